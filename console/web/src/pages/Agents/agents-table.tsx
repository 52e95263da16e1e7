import { Fragment, useState } from 'react';
import type { AgentSortKey, AgentSummary, PolicySummary } from '@dlp/shared';
import { Badge } from '../../components/badges';
import { RelativeTime } from '../../components/relative-time';
import { useI18n, type MessageKey } from '../../i18n';
import { hrefFor } from '../../router/hash-router';
import { AgentDetails } from './agent-details';
import { ControlsCell, PolicyStateCell } from './agent-state-cells';
import { ClockCell } from './clock-skew';
import { hostPath } from './host-path';
import { OS_NAMES } from './os-names';

/** The sortable columns, in table order, with their headings. */
const SORTABLE: readonly { key: AgentSortKey; label: MessageKey }[] = [
  { key: 'host', label: 'agents.col.host' },
  { key: 'os', label: 'agents.col.os' },
  { key: 'user', label: 'agents.col.user' },
  { key: 'group', label: 'agents.col.group' },
  { key: 'version', label: 'agents.col.version' },
  { key: 'status', label: 'agents.col.status' },
  { key: 'lastSeen', label: 'agents.col.lastSeen' },
];

export interface AgentSort {
  sort: AgentSortKey;
  order: 'asc' | 'desc';
}

/**
 * One line per agent (~36 px): who and where it is, its group, whether it is connected, its policy
 * state and what it enforces in a word each; the full capability report opens below the row, and
 * the host name opens the host page.
 * Sorting is the console's (the table shows one page of the sorted list). `onMove` (admins only)
 * adds a button that moves the agent to another group.
 */
export function AgentsTable({
  agents,
  policies,
  now,
  sort,
  onSort,
  onMove,
}: {
  agents: readonly AgentSummary[];
  policies: readonly PolicySummary[] | null;
  now: number;
  sort: AgentSort;
  onSort(next: AgentSort): void;
  onMove?: ((agent: AgentSummary) => void) | undefined;
}) {
  const { t } = useI18n();
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const policyBySerial = policies ? new Map(policies.map((policy) => [policy.serial, policy])) : null;
  // Toggle, host, OS, user, group, version, status, last seen, clock, policy, controls (+ actions).
  const columns = 11 + (onMove ? 1 : 0);
  const toggle = (id: string) =>
    setOpen((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  const header = (key: AgentSortKey, label: MessageKey) => {
    const active = sort.sort === key;
    return (
      <th key={key} scope="col" aria-sort={active ? (sort.order === 'asc' ? 'ascending' : 'descending') : 'none'}>
        <button
          type="button"
          className="sort-button"
          title={t('fleet.sort.by', { column: t(label) })}
          onClick={() => onSort({ sort: key, order: active && sort.order === 'asc' ? 'desc' : 'asc' })}
        >
          {t(label)}
          <span aria-hidden="true" className="sort-mark">
            {active ? (sort.order === 'asc' ? '▲' : '▼') : ''}
          </span>
        </button>
      </th>
    );
  };

  return (
    <div className="table-wrap">
      <table className="data-table agents-table compact-table">
        <thead>
          <tr>
            <th scope="col" className="cell-toggle">
              <span className="visually-hidden">{t('fleet.details.show', { host: '' })}</span>
            </th>
            {SORTABLE.map(({ key, label }) => header(key, label))}
            <th scope="col">{t('agents.col.clock')}</th>
            {header('policy', 'agents.col.policy')}
            <th scope="col">{t('fleet.col.controls')}</th>
            {onMove && <th scope="col">{t('exceptions.col.actions')}</th>}
          </tr>
        </thead>
        <tbody>
          {agents.map((agent) => {
            const expanded = open.has(agent.id);
            return (
              <Fragment key={agent.id}>
                <tr data-agent-id={agent.id} className={agent.revoked ? 'row-revoked' : undefined}>
                  <td className="cell-toggle">
                    <button type="button" className="toggle-button" aria-expanded={expanded} aria-label={t('fleet.details.show', { host: agent.info.hostname })} onClick={() => toggle(agent.id)}>
                      {expanded ? '▾' : '▸'}
                    </button>
                  </td>
                  <th scope="row" className="cell-host" title={agent.id}>
                    <a href={hrefFor(hostPath(agent.id))}>{agent.info.hostname}</a>
                  </th>
                  <td title={`${OS_NAMES[agent.info.os]} ${agent.info.osVersion}`}>{OS_NAMES[agent.info.os]}</td>
                  <td className="cell-clip" title={agent.info.user ?? undefined}>
                    {agent.info.user ?? t('common.none')}
                  </td>
                  <td className="cell-group cell-clip">{agent.group?.name ?? t('common.none')}</td>
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
                  <td className="cell-clip">
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
                {expanded && (
                  <tr className="agent-details-row" data-details-of={agent.id}>
                    <td colSpan={columns}>
                      <AgentDetails agent={agent} policyBySerial={policyBySerial} />
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
