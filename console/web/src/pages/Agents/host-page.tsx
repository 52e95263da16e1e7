import { useState } from 'react';
import { isApiRequestError } from '../../api';
import { ErrorBanner } from '../../components/error-banner';
import { useNow } from '../../hooks/use-now';
import { useI18n } from '../../i18n';
import { hrefFor } from '../../router/hash-router';
import { useCurrentUser } from '../../session/session-context';
import { ControlsCell } from './agent-state-cells';
import { CapabilityList } from './capability-list';
import { HostEvents } from './host-events';
import { HostExceptions } from './host-exceptions';
import { HostIdentity, HostStateBadge } from './host-identity';
import { HostPolicy } from './host-policy';
import { HostScanPanel } from './host-scan-panel';
import { HostTimeline } from './host-timeline';
import { buildTimeline } from './host-timeline-model';
import { OS_NAMES } from './os-names';
import { UninstallCodeDialog } from './uninstall-code-dialog';
import { useHostData } from './use-host-data';

/**
 * One host (issue 17 item 1): identity, group, the policy applied against the expected one with the
 * receipt's error, the controls in force with residual limits, exceptions, the newest events and the
 * timeline. Each section loads on its own; one that fails shows its error and leaves the others.
 */
export function HostPage({ agentId }: { agentId: string }) {
  const { t } = useI18n();
  const role = useCurrentUser()?.role;
  const data = useHostData(agentId, role);
  const [uninstallOpen, setUninstallOpen] = useState(false);
  const now = useNow(15_000);
  const agent = data.agent.data;
  const breadcrumb = (
    <p className="breadcrumb">
      <a href={hrefFor('/agents')}>{t('agents.title')}</a> ›
    </p>
  );
  if (!agent) {
    const missing = isApiRequestError(data.agent.error) && data.agent.error.status === 404;
    return (
      <main className="page host-page">
        {breadcrumb}
        {data.agent.loading ? (
          <p className="muted" role="status">
            {t('app.loading')}
          </p>
        ) : missing ? (
          <p className="banner banner-info">{t('host.notFound')}</p>
        ) : (
          <ErrorBanner error={data.agent.error} onRetry={() => void data.agent.reload()} />
        )}
      </main>
    );
  }
  const section = (loaded: { error: unknown; reload(): Promise<void> }) => loaded.error !== null && <ErrorBanner error={loaded.error} onRetry={() => void loaded.reload()} />;
  return (
    <main className="page host-page" data-agent-id={agent.id}>
      {breadcrumb}
      <div className="page-heading">
        <div>
          <h1>
            {agent.info.hostname} <HostStateBadge agent={agent} now={now} />
          </h1>
          <p className="muted">
            {[`${OS_NAMES[agent.info.os]} ${agent.info.osVersion}`, agent.info.user, agent.group?.name].filter((part) => part).join(' · ')}
          </p>
        </div>
        {role === 'admin' && !agent.revoked && (
          <button type="button" className="button" onClick={() => setUninstallOpen(true)}>
            {t('uninstall.open')}
          </button>
        )}
      </div>
      {uninstallOpen && <UninstallCodeDialog agentId={agent.id} hostname={agent.info.hostname} onClose={() => setUninstallOpen(false)} />}
      {section(data.agent)}
      <div className="host-grid">
        <HostIdentity agent={agent} now={now} />
        <div>
          {section(data.effective)}
          <HostPolicy agent={agent} effective={data.effective.data ?? null} now={now} />
        </div>
        <section className="card host-card" aria-labelledby="host-controls">
          <div className="host-card-heading">
            <h2 id="host-controls">{t('agents.col.capabilities')}</h2>
            <ControlsCell agent={agent} />
          </div>
          <CapabilityList report={agent.capabilities} os={agent.info.os} residualsOpen />
        </section>
        <div>
          {section(data.exceptions)}
          {data.exceptions.data && <HostExceptions exceptions={data.exceptions.data} now={now} />}
        </div>
      </div>
      <HostScanPanel agent={agent} />
      {section(data.events)}
      {data.events.data && <HostEvents agentId={agent.id} events={data.events.data} />}
      {section(data.history)}
      {data.history.data && <HostTimeline agentId={agent.id} entries={buildTimeline(agent, data.history.data.events, data.history.data.audit)} />}
    </main>
  );
}
