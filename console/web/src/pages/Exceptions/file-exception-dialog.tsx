import { useState, type FormEvent } from 'react';
import { createExceptionRequest, describeIssues, exceptionRequestTarget, type ExceptionRequestTarget } from '@dlp/shared';
import { useApi } from '../../api';
import { Dialog } from '../../components/dialog';
import { DialogActions } from '../../components/dialog-actions';
import { EnumOptions } from '../../components/enum-options';
import { useAction } from '../../hooks/use-action';
import { useI18n } from '../../i18n';
import { DURATION_CHOICES, DurationSelect } from './duration-select';
import { normalizeUsbId } from './unlock-code';
import { EMPTY_USB_DEVICE, UsbDeviceFields } from './usb-device-fields';
import { useWorkstations, WorkstationSelect } from './workstation-select';
import { FormProblems } from '../../components/form-problems';

type TargetKind = ExceptionRequestTarget['kind'];
const TARGET_KINDS = exceptionRequestTarget.options.map((option) => option.shape.kind.value);

/**
 * An officer (or admin) files an exception request on an employee's behalf, e.g. after a phone
 * call. It joins the queue as pending; someone else must decide it (nobody decides their own).
 */
export function FileExceptionDialog({ onClose, onFiled }: { onClose(): void; onFiled(): void }) {
  const { t } = useI18n();
  const api = useApi();
  const agents = useWorkstations();
  const action = useAction();
  const [agentId, setAgentId] = useState('');
  const [kind, setKind] = useState<TargetKind>('usb-device');
  const [device, setDevice] = useState(EMPTY_USB_DEVICE);
  const [sha256, setSha256] = useState('');
  const [exePath, setExePath] = useState('');
  const [minutes, setMinutes] = useState(String(DURATION_CHOICES[2]));
  const [justification, setJustification] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (agentId === '') return setProblem(t('unlock.pickAgent'));
    const target =
      kind === 'usb-device'
        ? { kind, device: { vendorId: normalizeUsbId(device.vendorId), productId: normalizeUsbId(device.productId), serial: device.serial.trim() } }
        : { kind, sha256: sha256.trim().toLowerCase(), exePath: exePath.trim() };
    // The console's own schema: the same checks, reported with field paths before anything is sent.
    const body = createExceptionRequest.safeParse({ agentId, target, justification: justification.trim(), requestedMinutes: Number(minutes) });
    if (!body.success) return setProblem(t('fileException.invalid', { issues: describeIssues(body.error) }));
    setProblem(null);
    if (await action.run(() => api.exceptions.create(body.data))) onFiled();
  };

  return (
    <Dialog title={t('fileException.title')} onClose={onClose} wide>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <p className="muted">{t('fileException.intro')}</p>
        <FormProblems problem={problem} error={action.error} />
        <WorkstationSelect list={agents} value={agentId} onChange={setAgentId} />
        <label className="field">
          <span>{t('fileException.kind')}</span>
          <select name="kind" value={kind} onChange={(e) => setKind(e.target.value === 'app' ? 'app' : 'usb-device')}>
            <EnumOptions options={TARGET_KINDS} label={(option) => t(`fileException.kind.${option}`)} />
          </select>
        </label>
        {kind === 'usb-device' ? (
          <UsbDeviceFields value={device} onChange={setDevice} />
        ) : (
          <>
            <label className="field">
              <span>{t('fileException.exePath')}</span>
              <input name="exePath" className="mono" placeholder="/opt/tools/bin/reader" value={exePath} onChange={(e) => setExePath(e.target.value)} />
            </label>
            <label className="field">
              <span>{t('fileException.sha256')}</span>
              <input name="sha256" className="mono" maxLength={64} value={sha256} onChange={(e) => setSha256(e.target.value)} />
            </label>
          </>
        )}
        <DurationSelect label={t('fileException.duration')} value={minutes} onChange={setMinutes} />
        <label className="field">
          <span>{t('fileException.justification')}</span>
          <textarea name="justification" rows={3} value={justification} onChange={(e) => setJustification(e.target.value)} />
        </label>
        <DialogActions onCancel={onClose} running={action.running} label={t('fileException.submit')} />
      </form>
    </Dialog>
  );
}
