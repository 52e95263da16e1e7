import { useState, type FormEvent } from 'react';
import type { AgentSummary, UnlockCodeIssued } from '@dlp/shared';
import { useApi } from '../../api';
import { Dialog } from '../../components/dialog';
import { DialogActions } from '../../components/dialog-actions';
import { FormProblems } from '../../components/form-problems';
import { useAction } from '../../hooks/use-action';
import { useI18n } from '../../i18n';
import { DURATION_CHOICES, DurationSelect } from './duration-select';
import { normalizeUsbId } from './unlock-code';
import { UnlockCodeDisplay } from './unlock-code-display';
import { EMPTY_USB_DEVICE, UsbDeviceFields } from './usb-device-fields';
import { useWorkstations, WorkstationSelect } from './workstation-select';

const USB_ID = /^[0-9a-f]{4}$/;

/**
 * An offline unlock code for one USB stick on one workstation, for when the workstation cannot
 * reach the console: the officer reads it to the employee, who types it into the tray.
 */
export function UnlockCodeDialog({ onClose }: { onClose(): void }) {
  const { t } = useI18n();
  const api = useApi();
  const agents = useWorkstations();
  const action = useAction();
  const [agentId, setAgentId] = useState('');
  const [device, setDevice] = useState(EMPTY_USB_DEVICE);
  const [minutes, setMinutes] = useState(String(DURATION_CHOICES[2]));
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [issued, setIssued] = useState<{ code: UnlockCodeIssued; agent: AgentSummary } | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const agent = agents.data?.find((candidate) => candidate.id === agentId);
    const vid = normalizeUsbId(device.vendorId);
    const pid = normalizeUsbId(device.productId);
    const serial = device.serial;
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
          <FormProblems problem={problem} error={action.error} />
          <WorkstationSelect list={agents} value={agentId} onChange={setAgentId} />
          <UsbDeviceFields value={device} onChange={setDevice} />
          <DurationSelect label={t('unlock.duration')} value={minutes} onChange={setMinutes} />
          <label className="field">
            <span>{t('unlock.reason')}</span>
            <textarea name="reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <DialogActions onCancel={onClose} running={action.running} label={t('unlock.issue')} />
        </form>
      )}
    </Dialog>
  );
}
