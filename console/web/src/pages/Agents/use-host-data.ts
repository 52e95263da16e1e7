import { roleMay, type AgentSummary, type AuditEntry, type EffectivePolicyResponse, type ExceptionView, type Role, type StoredEvent } from '@dlp/shared';
import { useApi } from '../../api';
import { useLoader, type Loaded } from '../../hooks/use-loader';
import { TIMELINE_EVENT_TYPES } from './host-timeline-model';

/** The host page's own refresh: online state, receipts and new events show up without a reload. */
const REFRESH_MS = 15_000;
/** Newest events of the host on its page; "all events" opens the search for the rest. */
export const HOST_EVENT_COUNT = 50;
/** Newest reports per timeline event type, and newest audit entries. */
const TIMELINE_DEPTH = 25;

export interface HostData {
  agent: Loaded<AgentSummary>;
  /** The group's policy by name; null for readers who may not see configuration. */
  effective: Loaded<EffectivePolicyResponse | null>;
  /** Approved (in force) and pending exceptions of the host. */
  exceptions: Loaded<ExceptionView[]>;
  events: Loaded<StoredEvent[]>;
  /** The agent's timeline reports and (for audit readers) the console's changes to it. */
  history: Loaded<{ events: StoredEvent[]; audit: AuditEntry[] }>;
}

/** Everything the host page shows of one agent, each part loaded on its own so one failure hides only its section. */
export function useHostData(agentId: string, role: Role | undefined): HostData {
  const api = useApi();
  const canReadConfiguration = roleMay('configurationView', role);
  const canReadAudit = roleMay('audit', role);
  const agent = useLoader(() => api.agents.get(agentId), agentId, REFRESH_MS);
  const effective = useLoader(async () => (canReadConfiguration ? api.agents.effectivePolicy(agentId) : null), `${agentId}/${String(canReadConfiguration)}`, REFRESH_MS);
  const exceptions = useLoader(async () => {
    const [approved, pending] = await Promise.all([api.exceptions.list({ agentId, state: 'approved' }), api.exceptions.list({ agentId, state: 'pending' })]);
    return [...approved.items, ...pending.items];
  }, agentId, REFRESH_MS);
  const events = useLoader(async () => (await api.events.list({ agentId, limit: HOST_EVENT_COUNT })).items, agentId, REFRESH_MS);
  const history = useLoader(
    async () => {
      const [reports, audit] = await Promise.all([
        Promise.all(TIMELINE_EVENT_TYPES.map((type) => api.events.list({ agentId, type, limit: TIMELINE_DEPTH }))),
        canReadAudit ? api.audit.list({ targetType: 'agent', targetId: agentId }, { limit: TIMELINE_DEPTH }) : null,
      ]);
      return { events: reports.flatMap((page) => page.items), audit: audit?.items ?? [] };
    },
    `${agentId}/${String(canReadAudit)}`,
    REFRESH_MS,
  );
  return { agent, effective, exceptions, events, history };
}
