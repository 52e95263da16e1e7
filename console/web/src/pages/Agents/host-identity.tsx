import { FLEET_WINDOW_MS, type AgentSummary } from '@dlp/shared';
import { Badge } from '../../components/badges';
import { RelativeTime } from '../../components/relative-time';
import { useI18n } from '../../i18n';
import { ClockCell } from './clock-skew';
import { OS_NAMES } from './os-names';
import { LocalTime } from '../../components/local-time';

/** Connected (green), offline (grey; amber past a day), or revoked (red: this host can no longer report). */
export function HostStateBadge({ agent, now }: { agent: AgentSummary; now: number }) {
  const { t } = useI18n();
  if (agent.revoked) return <Badge tone="red">{t('agents.status.revoked')}</Badge>;
  if (agent.online) return <Badge tone="green">{t('agents.status.online')}</Badge>;
  const long = agent.lastSeenAt === null || now - Date.parse(agent.lastSeenAt) > FLEET_WINDOW_MS;
  return long ? (
    <Badge tone="amber" title={t('host.offlineLong')}>
      {t('agents.status.offline')}
    </Badge>
  ) : (
    <Badge tone="grey">{t('agents.status.offline')}</Badge>
  );
}

/** Who and what the host is, and when the console last heard from it. */
export function HostIdentity({ agent, now }: { agent: AgentSummary; now: number }) {
  const { t } = useI18n();
  return (
    <section className="card host-card" aria-labelledby="host-identity">
      <h2 id="host-identity">{t('host.identity')}</h2>
      <dl className="facts">
        <dt>{t('agents.col.host')}</dt>
        <dd>{agent.info.hostname}</dd>
        <dt>{t('agents.col.os')}</dt>
        <dd>
          {OS_NAMES[agent.info.os]} {agent.info.osVersion}
        </dd>
        <dt>{t('agents.col.version')}</dt>
        <dd className="mono">{agent.info.agentVersion}</dd>
        <dt>{t('agents.col.user')}</dt>
        <dd>{agent.info.user ?? t('common.none')}</dd>
        <dt>{t('details.enrolled')}</dt>
        <dd><LocalTime iso={agent.enrolledAt} /></dd>
        <dt>{t('agents.col.status')}</dt>
        <dd>
          <HostStateBadge agent={agent} now={now} />
        </dd>
        <dt>{t('agents.col.lastSeen')}</dt>
        <dd data-testid="host-last-seen">
          {agent.online ? t('host.connectedNow') : agent.lastSeenAt ? <RelativeTime iso={agent.lastSeenAt} now={now} past /> : t('agents.lastSeen.never')}
        </dd>
        <dt>{t('agents.col.clock')}</dt>
        <dd>
          <ClockCell clock={agent.clock} />
        </dd>
        <dt>{t('details.agentId')}</dt>
        <dd className="mono">{agent.id}</dd>
      </dl>
    </section>
  );
}
