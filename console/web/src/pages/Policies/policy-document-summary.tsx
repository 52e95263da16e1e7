import type { ReactNode } from 'react';
import type { PolicyDocument, UsbRule } from '@dlp/shared';
import { Badge } from '../../components/badges';
import { useI18n } from '../../i18n';
import { ContentRulesHelp } from './content-rules-help';

/** A policy document as people read it: each section's settings and its rules in order. */
export function PolicyDocumentSummary({ document }: { document: PolicyDocument }) {
  const { t } = useI18n();
  const yesNo = (value: boolean) => t(value ? 'policy.yes' : 'policy.no');
  const { apps, usb, screen, content } = document;
  return (
    <div className="policy-summary">
      <section className="policy-section" aria-labelledby="section-apps">
        <h3 id="section-apps">{t('policy.section.apps')}</h3>
        <p className="muted small">
          {t('policy.enabled')}: {yesNo(apps.enabled)} · {t('policy.defaultAction')}: {t(`policy.action.${apps.defaultAction}`)} · {t('policy.failMode')}:{' '}
          {t(`policy.failMode.${apps.failMode}`)} · {t('policy.trustedPaths')}: <span className="mono">{apps.trustedPaths.join(' ') || t('common.none')}</span>
        </p>
        <RulesTable
          rows={apps.rules.map((rule) => ({
            id: rule.id,
            action: <Badge tone={rule.action === 'block' ? 'red' : 'green'}>{t(`policy.action.${rule.action}`)}</Badge>,
            match: (
              <>
                {t(`policy.kind.${rule.kind}`)} <span className="mono">{rule.value}</span>
              </>
            ),
            description: rule.description,
          }))}
        />
      </section>
      <section className="policy-section" aria-labelledby="section-usb">
        <h3 id="section-usb">{t('policy.section.usb')}</h3>
        <p className="muted small">
          {t('policy.enabled')}: {yesNo(usb.enabled)} · {t('policy.defaultAction')}: {t(`policy.action.${usb.defaultAction}`)}
        </p>
        <RulesTable
          rows={usb.rules.map((rule) => ({
            id: rule.id,
            action: <Badge tone={rule.action === 'allow' ? 'green' : rule.action === 'block' ? 'red' : 'amber'}>{t(`policy.action.${rule.action}`)}</Badge>,
            match: <span className="mono">{describeUsbMatch(rule.match) || t('policy.anyDevice')}</span>,
            description: rule.description,
          }))}
        />
      </section>
      <section className="policy-section" aria-labelledby="section-screen">
        <h3 id="section-screen">{t('policy.section.screen')}</h3>
        <p className="muted small">
          {t('policy.captureTools')}: {yesNo(screen.blockCaptureTools)} · {t('policy.watermark')}:{' '}
          {screen.watermark.enabled ? (screen.watermark.text ?? t('policy.yes')) : t('policy.no')}
        </p>
      </section>
      <section className="policy-section" aria-labelledby="section-content">
        <h3 id="section-content">{t('policy.section.content')}</h3>
        <p className="muted small">
          {t('policy.enabled')}: {yesNo(content.enabled)} · {t('policy.detectors')}:{' '}
          {content.detectors.map((detector) => t(`detector.${detector}`)).join(', ') || t('common.none')} · {t('policy.watchedPaths')}:{' '}
          <span className="mono">{content.watchedPaths.join(' ') || t('common.none')}</span> · {t(`policy.contentAction.${content.action}`)}
          {content.minDistinct !== undefined && <> · {t('content.detail.threshold', { minDistinct: content.minDistinct })}</>}
        </p>
        <ContentRulesHelp />
      </section>
    </div>
  );
}

interface RuleRow {
  id: string;
  action: ReactNode;
  match: ReactNode;
  description: string | undefined;
}

/** One section's rules in evaluation order (first match wins), or a note that there are none. */
function RulesTable({ rows }: { rows: RuleRow[] }) {
  const { t } = useI18n();
  if (rows.length === 0) return <p className="muted">{t('policy.noRules')}</p>;
  return (
    <table className="data-table compact-table">
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">{t('policy.col.rule')}</th>
          <th scope="col">{t('policy.col.action')}</th>
          <th scope="col">{t('policy.col.match')}</th>
          <th scope="col">{t('policy.col.description')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row, index) => (
          <tr key={row.id}>
            <td>{index + 1}</td>
            <th scope="row" className="mono">{row.id}</th>
            <td>{row.action}</td>
            <td>{row.match}</td>
            <td className="muted">{row.description ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** `class 8 · 0781:5567 · S/N 4C53 · port 1-1.2`, leaving out what the rule does not constrain. */
function describeUsbMatch(match: UsbRule['match']): string {
  const parts: string[] = [];
  if (match.interfaceClass !== undefined) parts.push(`class ${match.interfaceClass}`);
  if (match.vendorId !== undefined || match.productId !== undefined) parts.push(`${match.vendorId ?? '*'}:${match.productId ?? '*'}`);
  if (match.serial !== undefined) parts.push(`S/N ${match.serial}`);
  if (match.port !== undefined) parts.push(`port ${match.port}`);
  return parts.join(' · ');
}
