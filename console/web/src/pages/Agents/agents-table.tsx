import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { AgentSortKey, AgentSummary, PolicySummary } from '@dlp/shared';
import { useI18n, type MessageKey } from '../../i18n';
import { AgentDetails } from './agent-details';
import { AgentRow, LoadingRow } from './agent-row';
import type { AgentRows } from './use-agent-rows';
import { useRowWindow } from './use-row-window';

/** The height rows are styled with (styles/agents-table.css); the rendered height is measured. */
const ROW_HEIGHT = 36;
/** Until the opened details row is measured. */
const DETAILS_GUESS = 220;

/** The columns, in table order: sortable ones with their key, and their CSS width class. */
const COLUMNS: readonly { label: MessageKey; sort?: AgentSortKey; width: string }[] = [
  { label: 'agents.col.host', sort: 'host', width: 'col-host' },
  { label: 'agents.col.os', sort: 'os', width: 'col-os' },
  { label: 'agents.col.user', sort: 'user', width: 'col-user' },
  { label: 'agents.col.group', sort: 'group', width: 'col-group' },
  { label: 'agentTable.col.version', sort: 'version', width: 'col-version' },
  { label: 'agents.col.status', sort: 'status', width: 'col-status' },
  { label: 'agents.col.lastSeen', sort: 'lastSeen', width: 'col-seen' },
  { label: 'agents.col.clock', width: 'col-clock' },
  { label: 'agents.col.policy', sort: 'policy', width: 'col-policy' },
  { label: 'fleet.col.controls', width: 'col-controls' },
];

export interface AgentSort {
  sort: AgentSortKey;
  order: 'asc' | 'desc';
}

/** Keys that move focus between rows, and how far. */
function focusTarget(key: string, index: number, total: number, page: number): number | null {
  switch (key) {
    case 'ArrowDown':
      return Math.min(total - 1, index + 1);
    case 'ArrowUp':
      return Math.max(0, index - 1);
    case 'PageDown':
      return Math.min(total - 1, index + page);
    case 'PageUp':
      return Math.max(0, index - page);
    case 'Home':
      return 0;
    case 'End':
      return total - 1;
    default:
      return null;
  }
}

/**
 * The whole filtered list in one scrolled box, one line of fixed height per agent, rendering only
 * the rows in view (10,000 agents scroll like 10). The head stays in view; sorting is the
 * console's. Arrow keys, Page Up/Down, Home and End move focus between rows (a row out of view is
 * scrolled to and rendered first). One row at a time opens its full capability report below it.
 * `onMove` (admins only) adds a button that moves the agent to another group.
 */
export function AgentsTable({
  rows,
  policies,
  now,
  sort,
  onSort,
  onMove,
}: {
  rows: AgentRows;
  policies: readonly PolicySummary[] | null;
  now: number;
  sort: AgentSort;
  onSort(next: AgentSort): void;
  onMove?: ((agent: AgentSummary) => void) | undefined;
}) {
  const { t } = useI18n();
  const [open, setOpen] = useState<{ id: string; index: number } | null>(null);
  const [detailsHeight, setDetailsHeight] = useState(DETAILS_GUESS);
  const total = rows.total;
  const openAgent = open ? rows.rowAt(open.index) : undefined;
  // The opened row stays open while the same agent is at that place of the list.
  const expanded = open && openAgent?.id === open.id ? open : null;
  const view = useRowWindow({ count: total, rowHeight: ROW_HEIGHT, extra: expanded ? { after: expanded.index, height: detailsHeight } : null });
  const { containerRef, scrollToRow, start, end } = view;
  const policyBySerial = policies ? new Map(policies.map((policy) => [policy.serial, policy])) : null;
  const columns = COLUMNS.length + 1 + (onMove ? 1 : 0);

  const { show } = rows;
  useEffect(() => show(start, end), [show, start, end]);

  // Another answer (new filters or sort): back to the top, details closed.
  const answeredKey = JSON.stringify(rows.answered);
  useLayoutEffect(() => {
    if (containerRef.current) containerRef.current.scrollTop = 0;
    setOpen(null);
  }, [answeredKey, containerRef]);

  // Keyboard focus waiting for a row to be rendered (and loaded): moved there after the render.
  const pendingFocus = useRef<{ index: number; cell: number } | null>(null);
  const [, setFocusTick] = useState(0);
  useEffect(() => {
    const pending = pendingFocus.current;
    const row = pending && containerRef.current?.querySelector<HTMLTableRowElement>(`tr[data-row-index="${pending.index}"]`);
    if (!pending || !row) return;
    if (row.classList.contains('row-loading')) {
      row.focus();
      return;
    }
    const cell = row.cells[pending.cell] ?? row.cells[1];
    const focusable = cell?.querySelector<HTMLElement>('a, button') ?? row.querySelector<HTMLElement>('th a');
    focusable?.focus();
    pendingFocus.current = null;
  });

  const onKeyDown = useCallback(
    (event: KeyboardEvent<HTMLDivElement>) => {
      const origin = event.target instanceof HTMLElement ? event.target.closest<HTMLTableRowElement>('tr[data-row-index]') : null;
      if (!origin || event.altKey || event.ctrlKey || event.metaKey) return;
      const target = focusTarget(event.key, Number(origin.dataset.rowIndex), total, view.rowsPerPage);
      if (target === null) return;
      event.preventDefault();
      const cell = event.target instanceof HTMLElement ? event.target.closest('td, th') : null;
      pendingFocus.current = { index: target, cell: cell ? Array.from(origin.cells).indexOf(cell as HTMLTableCellElement) : 1 };
      scrollToRow(target);
      setFocusTick((tick) => tick + 1);
    },
    [total, view.rowsPerPage, scrollToRow],
  );

  // The opened details row reports its height, which pushes the rows below it down.
  const detailsObserver = useRef<ResizeObserver | null>(null);
  const detailsRef = useCallback((row: HTMLTableRowElement | null) => {
    detailsObserver.current?.disconnect();
    detailsObserver.current = null;
    if (!row) return;
    const measure = () => setDetailsHeight(Math.max(1, row.getBoundingClientRect().height));
    measure();
    detailsObserver.current = new ResizeObserver(measure);
    detailsObserver.current.observe(row);
  }, []);

  const header = ({ label, sort: key }: (typeof COLUMNS)[number]) => {
    if (!key) return <th key={label} scope="col" title={t(label)}>{t(label)}</th>;
    const active = sort.sort === key;
    return (
      <th key={label} scope="col" aria-sort={active ? (sort.order === 'asc' ? 'ascending' : 'descending') : 'none'}>
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

  const body = [];
  for (let index = start; index < end; index++) {
    const agent = rows.rowAt(index);
    if (!agent) {
      body.push(<LoadingRow key={`loading-${index}`} index={index} columns={columns} />);
      continue;
    }
    const isOpen = expanded?.index === index;
    body.push(
      <AgentRow
        key={agent.id}
        agent={agent}
        index={index}
        expanded={isOpen}
        now={now}
        policyBySerial={policyBySerial}
        onToggle={() => setOpen(isOpen ? null : { id: agent.id, index })}
        onMove={onMove}
      />,
    );
    if (isOpen) {
      body.push(
        <tr key={`details-${agent.id}`} ref={detailsRef} className="agent-details-row" data-details-of={agent.id}>
          <td colSpan={columns}>
            <AgentDetails agent={agent} policyBySerial={policyBySerial} />
          </td>
        </tr>,
      );
    }
  }

  return (
    <div className="agents-scroll" ref={containerRef} onKeyDown={onKeyDown} role="region" aria-label={t('agentTable.label')} aria-describedby="agents-table-keys">
      <p id="agents-table-keys" className="visually-hidden">
        {t('agentTable.keys')}
      </p>
      <table className="data-table agents-table compact-table virtual-table" aria-rowcount={total + 1}>
        <colgroup>
          <col className="col-toggle" />
          {COLUMNS.map((column) => (
            <col key={column.label} className={column.width} />
          ))}
          {onMove && <col className="col-actions" />}
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            <th scope="col" className="cell-toggle">
              <span className="visually-hidden">{t('fleet.details.show', { host: '' })}</span>
            </th>
            {COLUMNS.map(header)}
            {onMove && <th scope="col">{t('exceptions.col.actions')}</th>}
          </tr>
        </thead>
        <tbody>
          {view.padTop > 0 && (
            <tr className="row-spacer" aria-hidden="true" style={{ height: view.padTop }}>
              <td colSpan={columns} />
            </tr>
          )}
          {body}
          {view.padBottom > 0 && (
            <tr className="row-spacer" aria-hidden="true" style={{ height: view.padBottom }}>
              <td colSpan={columns} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
