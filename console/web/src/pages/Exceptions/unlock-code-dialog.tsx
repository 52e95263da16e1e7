import { useState, type FormEvent } from 'react';
import type { AgentSummary, UnlockCodeIssued } from '@dlp/shared';
import { useApi } from '../../api';
import { Dialog } from '../../components/dialog';
import { formatMinutes } from '../../components/duration';
import { ErrorBanner } from '../../components/error-banner';
import { useAction } from '../../hooks/use-action';
import { useLoader } from '../../hooks/use-loader';
import { useI18n } from '../../i18n';
import { normalizeUsbId } from './unlock-code';
import { UnlockCodeDisplay } from './unlock-code-display';

/** Durations offered for a code (minutes); the console allows up to 30 days. */
const DURATIONS = [60, 4 * 60, 8 * 60, 24 * 60, 3 * 24 * 60, 7 * 24 * 60, 30 * 24 * 60];
const USB_ID = /^[0-9a-f]{4}$/;

/**
 * An offline unlock code for one USB stick on one workstation, for when the workstation cannot
 * reach the console: the officer reads it to the employee, who types it into the tray.
 */
export function UnlockCodeDialog({ onClose }: { onClose(): void }) {
  const { t } = useI18n();
  const api = useApi();
  const agents = useLoader(async () => (await api.agents.list({ limit: 1000 })).items.filter((agent) => !agent.revoked), 'agents');
  const action = useAction();
  const [agentId, setAgentId] = useState('');
  const [vendorId, setVendorId] = useState('');
  const [productId, setProductId] = useState('');
  const [serial, setSerial] = useState('');
  const [minutes, setMinutes] = useState(String(DURATIONS[2]));
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [issued, setIssued] = useState<{ code: UnlockCodeIssued; agent: AgentSummary } | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const agent = agents.data?.find((candidate) => candidate.id === agentId);
    const vid = normalizeUsbId(vendorId);
    const pid = normalizeUsbId(productId);
    if (!agent) return setProblem(t('unlock.pickAgent'));
    if (!USB_ID.test(vid) || !USB_ID.test(pid)) return setProblem(t('unlock.badUsbId'));
    if (serial.trim() === '' || reason.trim() === '') return setProblem(t('unlock.missing'));
    setProblem(null);
    await action.run(async () => {
      const code = await api.exceptions.issueUnlockCode(agent.id, { vendorId: vid, productId: pid, serial: serial.trim(), durationMinutes: Number(minutes), reason: reason.trim() });
      setIssued({ code, agent });
    });
  };

  return (
    <Dialog title={t('unlock.title')} onClose={onClose} wide>
      {issued ? (
        <UnlockCodeDisplay issued={issued.code} hostname={issued.agent.info.hostname} />
      ) : (
        <form onSubmit={(event) => void submit(event)} noValidate>
          <p className="muted">{t('unlock.intro')}</p>
          {problem && (
            <div className="banner banner-error" role="alert">
              {problem}
            </div>
          )}
          {agents.error !== null && <ErrorBanner error={agents.error} onRetry={() => void agents.reload()} />}
          {action.error !== null && <ErrorBanner error={action.error} />}
          <label className="field">
            <span>{t('unlock.agent')}</span>
            <select name="agent" value={agentId} onChange={(e) => setAgentId(e.target.value)}>
              <option value="">{agents.loading ? t('app.loading') : t('unlock.choose')}</option>
              {(agents.data ?? []).map((agent) => (
                <option key={agent.id} value={agent.id}>
                  {agent.info.hostname}
                  {agent.info.user ? ` (${agent.info.user})` : ''}
                </option>
              ))}
            </select>
          </label>
          <div className="field-row">
            <label className="field">
              <span>{t('unlock.vendorId')}</span>
              <input name="vendorId" className="mono" placeholder="0781" maxLength={6} value={vendorId} onChange={(e) => setVendorId(e.target.value)} />
            </label>
            <label className="field">
              <span>{t('unlock.productId')}</span>
              <input name="productId" className="mono" placeholder="5567" maxLength={6} value={productId} onChange={(e) => setProductId(e.target.value)} />
            </label>
            <label className="field field-grow">
              <span>{t('unlock.serial')}</span>
              <input name="serial" className="mono" value={serial} onChange={(e) => setSerial(e.target.value)} />
            </label>
          </div>
          <label className="field">
            <span>{t('unlock.duration')}</span>
            <select name="duration" value={minutes} onChange={(e) => setMinutes(e.target.value)}>
              {DURATIONS.map((value) => (
                <option key={value} value={value}>
                  {formatMinutes(value, t)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('unlock.reason')}</span>
            <textarea name="reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <div className="form-actions">
            <button type="button" className="button" onClick={onClose}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="button button-primary" disabled={action.running}>
              {action.running ? t('common.working') : t('unlock.issue')}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
