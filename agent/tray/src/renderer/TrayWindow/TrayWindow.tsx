import { useEffect, useState, type ReactNode } from 'react';
import type { ExceptionRequestTarget } from '@dlp/shared';
import type { TrayApi } from '../../common/tray-api';
import { TextsProvider, useTexts } from '../text/texts';
import { BlocksSection } from './BlocksSection';
import { MyRequestsSection } from './MyRequestsSection';
import { RequestSection } from './RequestSection';
import { StatusSection } from './StatusSection';
import { panelElementId, TabStrip, tabElementId } from './TabStrip';
import { tabFromHash, type TabId } from './tabs';
import { UnlockSection } from './UnlockSection';
import { useTrayData } from './use-tray-data';

/** The tray's one window, in the language the main process picked from the OS locale. */
export function TrayWindow({ api }: { api: TrayApi }) {
  return (
    <TextsProvider locale={api.locale()}>
      <TrayWindowBody api={api} />
    </TextsProvider>
  );
}

/** A block's target and a counter, so each "Request an exception" click opens a fresh form. */
interface RequestDraft {
  target: ExceptionRequestTarget | null;
  serial: number;
}

function TrayWindowBody({ api }: { api: TrayApi }) {
  const { page, locale } = useTexts();
  const data = useTrayData(api);
  const [tab, setTab] = useState<TabId>(() => tabFromHash(window.location.hash) ?? 'status');
  const [draft, setDraft] = useState<RequestDraft>({ target: null, serial: 0 });
  const [requestsVersion, setRequestsVersion] = useState(0);

  // A notification click opens `index.html#blocks`: follow the address's tab, also while open.
  useEffect(() => {
    const follow = () => {
      const fromHash = tabFromHash(window.location.hash);
      if (fromHash) setTab(fromHash);
    };
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);

  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = page.windowTitle;
  }, [locale, page]);

  const requestFor = (target: ExceptionRequestTarget) => {
    setDraft((previous) => ({ target, serial: previous.serial + 1 }));
    setTab('request');
  };
  // Panels stay mounted (hidden) so a half-written justification survives a look at another tab.
  const panel = (id: TabId, content: ReactNode) => (
    <section key={id} className="panel" role="tabpanel" id={panelElementId(id)} aria-labelledby={tabElementId(id)} hidden={tab !== id}>
      <h1 className="panel__title">{page.titles[id]}</h1>
      {content}
    </section>
  );
  const status = data.status?.ok ? data.status.value : null;

  return (
    <main className="window">
      <TabStrip current={tab} onSelect={setTab} />
      {panel('status', <StatusSection status={data.status} api={api} onRetry={data.reload} />)}
      {panel('blocks', <BlocksSection blocks={data.blocks} notice={status?.notice ?? null} api={api} onRetry={data.reload} onRequest={requestFor} />)}
      {panel('request', <RequestSection key={draft.serial} api={api} target={draft.target} onSent={() => setRequestsVersion((v) => v + 1)} />)}
      {panel('requests', <MyRequestsSection api={api} active={tab === 'requests'} version={requestsVersion} />)}
      {panel('unlock', <UnlockSection api={api} />)}
    </main>
  );
}
