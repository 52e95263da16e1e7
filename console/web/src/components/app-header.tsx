import { useLayoutEffect, useRef, useState, type RefObject } from 'react';
import type { MessageKey } from '../i18n';
import { useI18n } from '../i18n';
import { hrefFor } from '../router/hash-router';
import { useSession } from '../session/session-context';
import { describeError } from './error-message';
import { LanguageSwitch } from './language-switch';
import { ProductMark } from './product-mark';

/** The account page every role reaches from the header. */
export const CHANGE_PASSWORD_PATH = '/account/password';

/** One entry of the main navigation. */
export interface NavItem {
  path: string;
  labelKey: MessageKey;
}

/** Sub-pixel rounding of measured widths; anything beyond this does not fit. */
const FIT_SLACK_PX = 0.5;

/**
 * Whether the navigation must take a row of its own: measured, not guessed from the window width,
 * because its width depends on the language and the fonts the machine has (issue 17 item 9: no
 * entry cut off or wrapped at 1280 px). The links keep their own width in both layouts, so their
 * sum against the room beside the brand and the account tools decides.
 */
function useNavOnOwnRow(inner: RefObject<HTMLDivElement | null>, nav: RefObject<HTMLElement | null>, tools: RefObject<HTMLDivElement | null>, brand: RefObject<HTMLAnchorElement | null>): boolean {
  const [ownRow, setOwnRow] = useState(false);
  useLayoutEffect(() => {
    const row = inner.current;
    const list = nav.current;
    if (!row || !list || !tools.current || !brand.current) return;
    const measure = () => {
      const style = getComputedStyle(row);
      const gap = parseFloat(style.columnGap) || 0;
      const room = row.clientWidth - (parseFloat(style.paddingLeft) || 0) - (parseFloat(style.paddingRight) || 0) - (brand.current?.offsetWidth ?? 0) - (tools.current?.offsetWidth ?? 0) - 2 * gap;
      const links = Array.from(list.children);
      const linkGap = parseFloat(getComputedStyle(list).columnGap) || 0;
      const needed = links.reduce((sum, link) => sum + link.getBoundingClientRect().width, 0) + linkGap * Math.max(0, links.length - 1);
      setOwnRow(needed > room + FIT_SLACK_PX);
    };
    measure();
    // The window, the language (link and tool widths) and fonts arriving all change the answer.
    const observer = new ResizeObserver(measure);
    for (const element of [row, tools.current, ...Array.from(list.children)]) observer.observe(element);
    return () => observer.disconnect();
  });
  return ownRow;
}

/** Product name, navigation, the signed-in user with their role, language switch, password change and sign-out. */
export function AppHeader({ navItems, activePath }: { navItems: readonly NavItem[]; activePath: string }) {
  const { t } = useI18n();
  const innerRef = useRef<HTMLDivElement>(null);
  const navRef = useRef<HTMLElement>(null);
  const toolsRef = useRef<HTMLDivElement>(null);
  const brandRef = useRef<HTMLAnchorElement>(null);
  const navOnOwnRow = useNavOnOwnRow(innerRef, navRef, toolsRef, brandRef);
  const session = useSession();
  const [signOutError, setSignOutError] = useState<unknown>(null);
  const [signingOut, setSigningOut] = useState(false);
  const user = session.state.status === 'signed-in' ? session.state.user : null;

  const signOut = async () => {
    setSigningOut(true);
    setSignOutError(null);
    try {
      await session.signOut();
    } catch (error) {
      setSignOutError(error);
      setSigningOut(false);
    }
  };

  return (
    <header className={navOnOwnRow ? 'app-header app-header-stacked' : 'app-header'}>
      <div className="app-header-inner" ref={innerRef}>
        <a className="brand" ref={brandRef} href={hrefFor(navItems[0]?.path ?? '/')}>
          <ProductMark />
          <span>{t('app.productName')}</span>
        </a>
        <nav aria-label={t('nav.label')} className="main-nav" ref={navRef}>
          {navItems.map((item) => (
            <a key={item.path} href={hrefFor(item.path)} aria-current={activePath === item.path || activePath.startsWith(`${item.path}/`) ? 'page' : undefined}>
              {t(item.labelKey)}
            </a>
          ))}
        </nav>
        <div className="header-tools" ref={toolsRef}>
          {user && (
            <span className="user-chip" title={t('header.userLabel', { username: user.username, role: t(`role.${user.role}`) })}>
              <span className="user-name">{user.username}</span>
              <span className="user-role">{t(`role.${user.role}`)}</span>
            </span>
          )}
          <LanguageSwitch />
          {user && (
            <a className="button button-ghost" href={hrefFor(CHANGE_PASSWORD_PATH)} aria-current={activePath === CHANGE_PASSWORD_PATH ? 'page' : undefined}>
              {t('nav.changePassword')}
            </a>
          )}
          {user && (
            <button type="button" className="button button-ghost" onClick={() => void signOut()} disabled={signingOut}>
              {t('header.logout')}
            </button>
          )}
        </div>
      </div>
      {signOutError !== null && (
        <div className="banner banner-error header-banner" role="alert">
          {t('header.logoutFailed', { reason: describeError(signOutError, t) })}
        </div>
      )}
    </header>
  );
}
