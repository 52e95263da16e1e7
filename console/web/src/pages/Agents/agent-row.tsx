import type { AgentSummary, PolicySummary } from '@dlp/shared';
import { Badge } from '../../components/badges';
import { RelativeTime } from '../../components/relative-time';
import { useI18n } from '../../i18n';
import { hrefFor } from '../../router/hash-router';
import { ControlsCell, PolicyStateCell } from './agent-state-cells';
import { ClockCell } from './clock-skew';
import { hostPath } from './host-path';
import { OS_NAMES } from './os-names';

/** Where a row sits in the whole list: `data-row-index` for the window, `aria-rowindex` for screen readers (the head is row 1). */
function rowPosition(index: number) {
  return { 'data-row-index': index, 'aria-rowindex': index + 2 };
}

/**
 * One agent in one line of fixed height: who and where it is, its group, whether it is connected,
 * its policy state and what it enforces in a word each. Red only for a problem of this host (a
 * refused policy, nothing enforced, tamper or bypass events); the host name opens the host page.
 */
export function AgentRow({
  agent,
  index,
  expanded,
  now,
  policyBySerial,
  onToggle,
  onMove,
}: {
  agent: AgentSummary;
  index: number;
  expanded: boolean;
  now: number;
  policyBySerial: ReadonlyMap<number, PolicySummary> | null;
  onToggle(): void;
  onMove?: ((agent: AgentSummary) => void) | undefined;
}) {
  const { t } = useI18n();
  const os = `${OS_NAMES[agent.info.os]} ${agent.info.osVersion}`;
  return (
    <tr {...rowPosition(index)} data-agent-id={agent.id} className={['agent-row', index % 2 === 1 ? 'row-alt' : '', agent.revoked ? 'row-revoked' : ''].filter(Boolean).join(' ')}>
      <td className="cell-toggle">
        <button type="button" className="toggle-button" aria-expanded={expanded} aria-label={t('fleet.details.show', { host: agent.info.hostname })} onClick={onToggle}>
          {expanded ? '▾' : '▸'}
        </button>
      </td>
      <th scope="row" className="cell-host" title={`${agent.info.hostname}\n${agent.id}`}>
        <a href={hrefFor(hostPath(agent.id))}>{agent.info.hostname}</a>
      </th>
      <td title={os}>{OS_NAMES[agent.info.os]}</td>
      <td title={agent.info.user ?? undefined}>{agent.info.user ?? t('common.none')}</td>
      <td className="cell-group" title={agent.group?.name}>
        {agent.group?.name ?? t('common.none')}
      </td>
      <td className="mono">{agent.info.agentVersion}</td>
      <td>
        {agent.revoked ? (
          <Badge tone="red">{t('agents.status.revoked')}</Badge>
        ) : agent.online ? (
          <Badge tone="green">{t('agents.status.online')}</Badge>
        ) : (
          <Badge tone="grey">{t('agents.status.offline')}</Badge>
        )}
      </td>
      <td>{agent.lastSeenAt ? <RelativeTime iso={agent.lastSeenAt} now={now} past /> : <span className="muted">{t('agents.lastSeen.never')}</span>}</td>
      <td>
        <ClockCell clock={agent.clock} />
      </td>
      <td>
        <PolicyStateCell agent={agent} policyBySerial={policyBySerial} />
      </td>
      <td className="cell-controls">
        <ControlsCell agent={agent} />
      </td>
      {onMove && (
        <td className="cell-actions">
          <button type="button" className="button button-small" aria-label={t('move.open', { host: agent.info.hostname })} onClick={() => onMove(agent)}>
            {t('move.button')}
          </button>
        </td>
      )}
    </tr>
  );
}

/** A row whose agent is still on its way: the same height, focusable so keyboard focus can wait on it. */
export function LoadingRow({ index, columns }: { index: number; columns: number }) {
  const { t } = useI18n();
  return (
    <tr {...rowPosition(index)} className="agent-row row-loading" tabIndex={-1} aria-busy="true">
      <td colSpan={columns}>
        <span className="muted">{t('app.loading')}</span>
      </td>
    </tr>
  );
}
