import { useState } from 'react';
import { roleMay, type AgentSummary } from '@dlp/shared';
import { ErrorBanner } from '../../components/error-banner';
import { useNow } from '../../hooks/use-now';
import { formatDateTime, useI18n } from '../../i18n';
import { useCurrentUser } from '../../session/session-context';
import { AgentsTable } from './agents-table';
import { EnrollInstructions } from './enroll-instructions';
import { MoveAgentDialog } from './move-agent-dialog';
import { useAgentList } from './use-agent-list';

/** Every enrolled agent, refreshed automatically; explains enrollment while there are none. */
export function AgentsPage() {
  const { t, language } = useI18n();
  const isAdmin = roleMay('administration', useCurrentUser()?.role);
  const list = useAgentList(isAdmin);
  const [moving, setMoving] = useState<AgentSummary | null>(null);
  const now = useNow(15_000);
  const online = list.agents.filter((agent) => agent.online && !agent.revoked).length;
  const total = list.nextCursor ? `${list.agents.length}+` : String(list.agents.length);

  return (
    <main className="page">
      <div className="page-heading">
        <div>
          <h1>{t('agents.title')}</h1>
          {!list.loading && <p className="muted">{t('agents.summary', { total, online })}</p>}
        </div>
        {list.updatedAt !== null && (
          <span className="muted small">{t('common.updated', { time: formatDateTime(new Date(list.updatedAt).toISOString(), language) })}</span>
        )}
      </div>
      {list.error !== null && <ErrorBanner error={list.error} onRetry={list.refresh} />}
      {list.loading ? (
        <p className="muted" role="status">
          {t('app.loading')}
        </p>
      ) : list.agents.length === 0 && list.error === null ? (
        <EnrollInstructions />
      ) : (
        <>
          <AgentsTable agents={list.agents} policies={list.policies} now={now} onMove={isAdmin ? setMoving : undefined} />
          {list.nextCursor && (
            <div className="table-footer">
              <button type="button" className="button" onClick={list.loadMore} disabled={list.loadingMore}>
                {list.loadingMore ? t('common.loadingMore') : t('common.loadMore')}
              </button>
            </div>
          )}
        </>
      )}
      {moving && <MoveAgentDialog agent={moving} onClose={() => setMoving(null)} onMoved={list.refresh} />}
    </main>
  );
}
