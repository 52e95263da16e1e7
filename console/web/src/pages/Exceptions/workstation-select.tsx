import type { AgentSummary } from '@dlp/shared';
import { useApi } from '../../api';
import { ErrorBanner } from '../../components/error-banner';
import { useLoader, type Loaded } from '../../hooks/use-loader';
import { useI18n } from '../../i18n';

/** Enrolled, not revoked agents: the workstations an unlock code or an exception can be for. */
export function useWorkstations(): Loaded<AgentSummary[]> {
  const api = useApi();
  return useLoader(async () => (await api.agents.list({ limit: 1000 })).items.filter((agent) => !agent.revoked), 'workstations');
}

/** "Workstation" picker: host name with the logged-in user, so an officer finds the employee's machine. */
export function WorkstationSelect({ list, value, onChange }: { list: Loaded<AgentSummary[]>; value: string; onChange(agentId: string): void }) {
  const { t } = useI18n();
  return (
    <>
      {list.error !== null && <ErrorBanner error={list.error} onRetry={() => void list.reload()} />}
      <label className="field">
        <span>{t('unlock.agent')}</span>
        <select name="agent" value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">{list.loading ? t('app.loading') : t('unlock.choose')}</option>
          {(list.data ?? []).map((agent) => (
            <option key={agent.id} value={agent.id}>
              {agent.info.hostname}
              {agent.info.user ? ` (${agent.info.user})` : ''}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
