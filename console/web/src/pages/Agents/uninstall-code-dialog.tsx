import { useState, type FormEvent } from 'react';
import type { UninstallCodeIssued } from '@dlp/shared';
import { useApi } from '../../api';
import { Dialog } from '../../components/dialog';
import { DialogActions } from '../../components/dialog-actions';
import { FormProblems } from '../../components/form-problems';
import { useAction } from '../../hooks/use-action';
import { formatDateTime, useI18n } from '../../i18n';
import { codeGroups } from '../../components/code-groups';

const DURATIONS = [60, 8 * 60, 24 * 60, 7 * 24 * 60] as const;

/**
 * An uninstall code for this host (issue 14, admins): while the agent enforces a policy, its
 * package's removal script refuses to run without one. Shown once; the audit log records who asked
 * for one, why and until when.
 */
export function UninstallCodeDialog({ agentId, hostname, onClose }: { agentId: string; hostname: string; onClose(): void }) {
  const { t, language } = useI18n();
  const api = useApi();
  const action = useAction();
  const [minutes, setMinutes] = useState(String(DURATIONS[2]));
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [issued, setIssued] = useState<UninstallCodeIssued | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (reason.trim() === '') return setProblem(t('uninstall.reasonMissing'));
    setProblem(null);
    await action.run(async () => setIssued(await api.exceptions.issueUninstallCode(agentId, { durationMinutes: Number(minutes), reason: reason.trim() })));
  };

  return (
    <Dialog title={t('uninstall.title', { host: hostname })} onClose={onClose} wide>
      {issued ? (
        <div className="unlock-result">
          <p className="unlock-code" aria-label={t('uninstall.codeLabel')} data-code={codeGroups(issued.code).join('-')}>
            {codeGroups(issued.code).map((group, index) => (
              <span key={index} className="unlock-code-group">
                {group}
              </span>
            ))}
          </p>
          <p className="muted">{t('uninstall.validUntil', { time: formatDateTime(issued.expiresAt, language) })}</p>
          <p>{t('uninstall.howTo')}</p>
          <pre className="code-block">{`echo ${codeGroups(issued.code).join('-')} | sudo tee /etc/dlp/uninstall-code >/dev/null\nsudo apt-get remove dlp-agent    # ${t('uninstall.orDnf')}`}</pre>
          <div className="banner banner-warning">{t('common.shownOnce')}</div>
        </div>
      ) : (
        <form onSubmit={(event) => void submit(event)} noValidate>
          <p className="muted">{t('uninstall.intro')}</p>
          <FormProblems problem={problem} error={action.error} />
          <label className="field">
            <span>{t('uninstall.duration')}</span>
            <select value={minutes} onChange={(e) => setMinutes(e.target.value)}>
              {DURATIONS.map((value) => (
                <option key={value} value={value}>
                  {t(`uninstall.duration.${value}` as 'uninstall.duration.60')}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('uninstall.reason')}</span>
            <textarea name="reason" rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <DialogActions onCancel={onClose} running={action.running} label={t('uninstall.issue')} danger />
        </form>
      )}
    </Dialog>
  );
}
