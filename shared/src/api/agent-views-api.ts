import { z } from 'zod';
import { timestamp } from '../schemas/primitives';
import { reportLanguage, timeZoneName } from './report-api';
import { agentQuery } from './rest';

/**
 * What a person keeps of the agent table (issue 17 item 1): named filter sets of their own, and
 * the CSV export of the filtered list. The filters are those of GET /api/v1/agents, so a saved
 * set, the table and the export always mean the same agents.
 */

/** The agent table's filters and sort (GET /api/v1/agents without paging). */
export const agentFilterSet = agentQuery.pick({ online: true, groupId: true, search: true, condition: true, os: true, sort: true, order: true });
export type AgentFilterSet = z.infer<typeof agentFilterSet>;

/** A person keeps at most this many saved filter sets (per page). */
export const MAX_SAVED_FILTERS = 50;

/** A saved filter's name: what the person typed, trimmed; no control characters (it is shown in lists). */
export const savedFilterName = z
  .string()
  .trim()
  .min(1)
  .max(80)
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point.
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), 'must not contain control characters');

/** One saved filter set of the signed-in person. */
export const savedAgentFilter = z.strictObject({
  id: z.uuidv7(),
  name: savedFilterName,
  filters: agentFilterSet,
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type SavedAgentFilter = z.infer<typeof savedAgentFilter>;

/** GET /api/v1/agents/saved-filters: the caller's own, by name. */
export const savedAgentFilterList = z.strictObject({ items: z.array(savedAgentFilter) });

/** POST /api/v1/agents/saved-filters: saves under `name`, replacing the caller's set of that name. */
export const saveAgentFilterRequest = z.strictObject({ name: savedFilterName, filters: agentFilterSet });
export type SaveAgentFilterRequest = z.infer<typeof saveAgentFilterRequest>;

export const savedAgentFilterResponse = z.strictObject({ filter: savedAgentFilter });

/**
 * GET /api/v1/agents/export.csv: the table's filters and sort, the time zone of the "local time"
 * column and the language of the header row and of the values (states, yes/no).
 */
export const agentExportQuery = agentFilterSet.extend({
  tz: timeZoneName.default('UTC'),
  lang: reportLanguage.default('en'),
});
export type AgentExportQuery = z.infer<typeof agentExportQuery>;
