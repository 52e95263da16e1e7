import { useState } from 'react';
import type { ImpactGroup, ImpactReport } from '@dlp/shared';
import { useApi } from '../../api';
import { ErrorBanner } from '../../components/error-banner';
import { useAction } from '../../hooks/use-action';
import { formatCount, formatDateTime, useI18n, type MessageKey } from '../../i18n';
import { ImpactChart, useRuleLabel } from './impact-chart';

const DAY_CHOICES = [1, 7, 30, 90];

/** What the draft would have done to the last days of real events, per deciding rule, with examples. */
export function ImpactPreview({ draftId, stale }: { draftId: string; stale: boolean }) {
  const { t, language } = useI18n();
  const api = useApi();
  const [days, setDays] = useState(7);
  const [report, setReport] = useState<ImpactReport | null>(null);
  const preview = useAction();

  const run = () => preview.run(async () => setReport(await api.policies.impact(draftId, days)));

  return (
    <section className="card impact-preview" aria-labelledby="impact-title">
      <h2 id="impact-title">{t('impact.title')}</h2>
      <p className="muted small">{t('impact.intro')}</p>
      <div className="toolbar toolbar-tight">
        <label className="inline-field">
          <span>{t('impact.days')}</span>
          <select value={days} onChange={(event) => setDays(Number(event.target.value))}>
            {DAY_CHOICES.map((choice) => (
              <option key={choice} value={choice}>
                {t('impact.lastDays', { count: choice })}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button button-primary" onClick={() => void run()} disabled={preview.running}>
          {preview.running ? t('common.working') : t('impact.run')}
        </button>
      </div>
      {stale && <p className="muted small">{t('impact.staleHint')}</p>}
      {preview.error !== null && <ErrorBanner error={preview.error} />}
      {report && (
        <div className="impact-report" aria-live="polite">
          <p>
            {t('impact.summary', {
              apps: formatCount(report.appEvents, language),
              devices: formatCount(report.usbDevices, language),
              from: formatDateTime(report.from, language),
              to: formatDateTime(report.to, language),
            })}{' '}
            {t(report.mode === 'enforce' ? 'impact.modeEnforce' : 'impact.modeMonitor')}
          </p>
          {report.truncated && <p className="banner banner-warning">{t('impact.truncated')}</p>}
          <ImpactSection titleKey="impact.apps.wouldBlock" groups={report.apps.wouldBlock} tone="block" />
          <ImpactSection titleKey="impact.apps.noLongerBlocked" groups={report.apps.noLongerBlocked} tone="allow" />
          <ImpactSection titleKey="impact.usb.wouldRestrict" groups={report.usb.wouldRestrict} tone="restrict" />
          <ImpactSection titleKey="impact.usb.noLongerRestricted" groups={report.usb.noLongerRestricted} tone="allow" />
          {report.apps.wouldBlock.length + report.apps.noLongerBlocked.length + report.usb.wouldRestrict.length + report.usb.noLongerRestricted.length === 0 && (
            <p className="empty-inline">{t('impact.nothing')}</p>
          )}
        </div>
      )}
    </section>
  );
}

function ImpactSection({ titleKey, groups, tone }: { titleKey: MessageKey; groups: readonly ImpactGroup[]; tone: 'block' | 'allow' | 'restrict' }) {
  const { t } = useI18n();
  if (groups.length === 0) return null;
  return (
    <div className="impact-section">
      <ImpactChart title={t(titleKey)} groups={groups} tone={tone} />
      <ImpactExamples groups={groups} />
    </div>
  );
}

/** Up to five real events per rule, so a reviewer sees which programs or devices are meant. */
function ImpactExamples({ groups }: { groups: readonly ImpactGroup[] }) {
  const { t, language } = useI18n();
  const label = useRuleLabel();
  return (
    <details className="impact-examples">
      <summary>{t('impact.examples')}</summary>
      {groups.map((group) => (
        <div key={`${group.ruleId ?? 'default'}-${group.action}`} className="impact-example-group">
          <h4>
            <span className="mono">{label(group.ruleId)}</span> · {t(`policy.action.${group.action}`)} ·{' '}
            {t('impact.groupCounts', { count: group.events, hosts: group.hosts, users: group.users })}
          </h4>
          <ul className="plain-list small">
            {group.examples.map((example) => (
              <li key={example.eventId}>
                <span className="mono">{example.subject}</span> — {example.host}
                {example.user ? ` (${example.user})` : ''}, {formatDateTime(example.occurredAt, language)}, {t('impact.reported', { action: example.reportedAction })}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </details>
  );
}
