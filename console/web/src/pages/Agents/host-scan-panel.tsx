import { useState, type FormEvent } from 'react';
import { agentScanRequest, roleMay, type AgentScan, type AgentScanState, type AgentSummary } from '@dlp/shared';
import { isApiRequestError, useApi } from '../../api';
import { Badge, type BadgeTone } from '../../components/badges';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { ErrorBanner } from '../../components/error-banner';
import { useAction } from '../../hooks/use-action';
import { useLoader } from '../../hooks/use-loader';
import { formatDateTime, useI18n, type I18n } from '../../i18n';
import { searchHref } from '../../router/event-search-link';
import { useCurrentUser } from '../../session/session-context';

/** While the page is open the scans' state is read this often (the agent reports every few seconds). */
const REFRESH_MS = 3000;

const STATE_TONES: Record<AgentScanState, BadgeTone> = { requested: 'grey', running: 'blue', done: 'green', failed: 'red', refused: 'amber' };

/** What went wrong asking for a scan, with this panel's own sentences for the codes only it meets. */
function requestError(error: unknown, t: I18n['t']): unknown {
  if (isApiRequestError(error) && (error.code === 'agent_offline' || error.code === 'scan_running')) return new Error(t(`hostScan.error.${error.code}`));
  return error;
}

function ScanCounts({ scan }: { scan: AgentScan }) {
  const { t } = useI18n();
  const p = scan.progress;
  if (!p) return <span className="muted">{scan.error ?? t('common.none')}</span>;
  return (
    <>
      <span>{t('hostScan.counts', { done: p.filesDone, found: p.filesFound, flagged: p.filesFlagged, below: p.filesBelowThreshold, unreadable: p.filesUnreadable })}</span>
      <br />
      <span className="muted small">
        {t('hostScan.skipped', { ...p.skipped })}
        {p.fileLimitReached ? ` · ${t('hostScan.limit')}` : ''}
      </span>
      {scan.error && <p className="muted small">{scan.error}</p>}
    </>
  );
}

/**
 * The host page's "Scan a folder" panel (issue 16): officers and admins ask the agent to scan a
 * folder for customer data at rest (after a confirmation); everyone sees the scans' state and
 * counts as the agent reports them. Files found arrive as content events.
 */
export function HostScanPanel({ agent }: { agent: AgentSummary }) {
  const { t, language } = useI18n();
  const api = useApi();
  const mayScan = roleMay('contentScans', useCurrentUser()?.role);
  const scans = useLoader(() => api.scans.list(agent.id), agent.id, REFRESH_MS);
  const ask = useAction();
  const [path, setPath] = useState('');
  const [confirming, setConfirming] = useState<string | null>(null);
  const [invalid, setInvalid] = useState(false);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // The same schema the console checks: a relative or overlong path never leaves the page.
    const body = agentScanRequest.safeParse({ path: path.trim() });
    setInvalid(!body.success);
    if (body.success) {
      ask.clearError();
      setConfirming(body.data.path);
    }
  };
  const confirm = async (target: string) => {
    if (await ask.run(() => api.scans.request(agent.id, target))) {
      setConfirming(null);
      setPath('');
      await scans.reload();
    }
  };

  return (
    <section className="card host-card" aria-labelledby="host-scans" data-testid="host-scans">
      <div className="host-card-heading">
        <h2 id="host-scans">{t('hostScan.title')}</h2>
        <a className="button button-small" href={searchHref({ agentId: agent.id, type: 'content' })}>
          {t('hostScan.events')}
        </a>
      </div>
      <p className="muted small">{t('hostScan.intro')}</p>
      {mayScan && (
        <form className="inline-form" onSubmit={submit} noValidate aria-label={t('hostScan.submit')}>
          <label className="field">
            <span>{t('hostScan.path')}</span>
            <input name="scan-path" value={path} placeholder={t('hostScan.pathPlaceholder')} onChange={(e) => setPath(e.target.value)} aria-invalid={invalid} maxLength={1024} size={48} />
          </label>
          <button type="submit" className="button button-primary" disabled={!agent.online || path.trim() === ''}>
            {t('hostScan.submit')}
          </button>
        </form>
      )}
      {mayScan && invalid && <p className="field-error">{t('hostScan.pathInvalid')}</p>}
      {mayScan && !agent.online && <p className="muted small">{t('hostScan.offline')}</p>}
      {scans.error !== null && <ErrorBanner error={scans.error} onRetry={() => void scans.reload()} />}
      {scans.data && scans.data.length === 0 && <p className="muted">{t('hostScan.none')}</p>}
      {scans.data && scans.data.length > 0 && (
        <div className="table-scroll">
          <table className="data-table host-table">
            <thead>
              <tr>
                <th scope="col">{t('hostScan.col.path')}</th>
                <th scope="col">{t('hostScan.col.state')}</th>
                <th scope="col">{t('hostScan.col.found')}</th>
                <th scope="col">{t('hostScan.col.asked')}</th>
              </tr>
            </thead>
            <tbody>
              {scans.data.map((scan) => (
                <tr key={scan.id} data-scan-id={scan.id} data-scan-state={scan.state}>
                  <td className="cell-reason">{scan.path}</td>
                  <td>
                    <Badge tone={STATE_TONES[scan.state]}>{t(`hostScan.state.${scan.state}`)}</Badge>
                  </td>
                  <td>
                    <ScanCounts scan={scan} />
                  </td>
                  <td className="cell-nowrap">{scan.requestedAt ? t('hostScan.askedBy', { user: scan.requestedBy ?? '?', time: formatDateTime(scan.requestedAt, language) }) : t('common.none')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="muted small">{t('hostScan.note')}</p>
      {confirming !== null && (
        <ConfirmDialog
          message={t('hostScan.confirm', { path: confirming, host: agent.info.hostname })}
          running={ask.running}
          error={ask.error === null ? null : requestError(ask.error, t)}
          onConfirm={() => void confirm(confirming)}
          onCancel={() => setConfirming(null)}
        />
      )}
    </section>
  );
}
