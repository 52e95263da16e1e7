import { useState, type FormEvent } from 'react';
import { updateGroupRequest, type GroupSummary } from '@dlp/shared';
import { isApiRequestError, useApi } from '../../api';
import { Dialog } from '../../components/dialog';
import { DialogActions } from '../../components/dialog-actions';
import { ErrorBanner } from '../../components/error-banner';
import { FormProblems } from '../../components/form-problems';
import { useAction } from '../../hooks/use-action';
import { useI18n } from '../../i18n';

/** Which group dialog is open, if any. */
export interface GroupDialogState {
  kind: 'rename' | 'delete';
  group: GroupSummary;
}

/**
 * Rename and delete buttons of one group (admins). The built-in group can be neither (new agents
 * without a group land in it), and the cell says so instead of offering buttons that would fail.
 */
export function GroupActionsCell({ group, onOpen }: { group: GroupSummary; onOpen(state: GroupDialogState): void }) {
  const { t } = useI18n();
  if (group.builtIn) {
    return (
      <td>
        <span className="muted small">{t('groups.builtInFixed')}</span>
      </td>
    );
  }
  return (
    <td className="cell-actions">
      <button type="button" className="button button-small" aria-label={t('groups.renameFor', { group: group.name })} onClick={() => onOpen({ kind: 'rename', group })}>
        {t('groups.rename')}
      </button>
      <button
        type="button"
        className="button button-small button-danger"
        aria-label={t('groups.deleteFor', { group: group.name })}
        onClick={() => onOpen({ kind: 'delete', group })}
      >
        {t('common.delete')}
      </button>
    </td>
  );
}

/** The open rename or delete dialog; rendered outside the table so table cell styles do not reach it. */
export function GroupDialog({ state, onClose, onDone }: { state: GroupDialogState; onClose(): void; onDone(): void }) {
  return state.kind === 'rename' ? (
    <RenameGroupDialog group={state.group} onClose={onClose} onDone={onDone} />
  ) : (
    <DeleteGroupDialog group={state.group} onClose={onClose} onDone={onDone} />
  );
}

function RenameGroupDialog({ group, onClose, onDone }: { group: GroupSummary; onClose(): void; onDone(): void }) {
  const { t } = useI18n();
  const api = useApi();
  const action = useAction();
  const [name, setName] = useState(group.name);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // The console's own schema, so an empty or overlong name is explained before sending.
    const body = updateGroupRequest.safeParse({ name: name.trim() });
    if (!body.success || body.data.name === undefined) return setProblem(t('groups.nameInvalid'));
    setProblem(null);
    const newName = body.data.name;
    if (newName === group.name) return onClose();
    if (await action.run(() => api.groups.rename(group.id, newName))) onDone();
  };

  return (
    <Dialog title={t('groups.renameTitle', { group: group.name })} onClose={onClose}>
      <FormProblems problem={problem} error={action.error} />
      <form onSubmit={(event) => void submit(event)} noValidate>
        <label className="field">
          <span>{t('groups.newNameLabel')}</span>
          <input name="group-new-name" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <DialogActions onCancel={onClose} running={action.running} label={t('groups.rename')} />
      </form>
    </Dialog>
  );
}

function DeleteGroupDialog({ group, onClose, onDone }: { group: GroupSummary; onClose(): void; onDone(): void }) {
  const { t } = useI18n();
  const api = useApi();
  const action = useAction();
  // The console names the blocker (agents or enroll secrets) in its message; show it verbatim too.
  const detail = isApiRequestError(action.error) && action.error.code === 'group_not_empty' ? action.error.message : null;

  return (
    <Dialog title={t('groups.deleteTitle', { group: group.name })} onClose={onClose}>
      <p>{t('groups.deleteConfirm', { group: group.name })}</p>
      {(group.agentCount ?? 0) > 0 && (
        <p className="banner banner-warning" role="note">
          {t('groups.deleteHasAgents', { count: group.agentCount ?? 0 })}
        </p>
      )}
      {action.error !== null && <ErrorBanner error={action.error} />}
      {detail && <p className="muted small">{t('groups.consoleSaid', { message: detail })}</p>}
      <DialogActions
        onCancel={onClose}
        running={action.running}
        label={t('groups.deleteSubmit')}
        danger
        onSubmit={() => void action.run(() => api.groups.delete(group.id)).then((ok) => ok && onDone())}
      />
    </Dialog>
  );
}
