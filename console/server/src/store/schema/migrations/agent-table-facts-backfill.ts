// Migration 69's back-fill: the agent table's sort keys and capability verdicts of agents enrolled
// before it, from their stored JSON. The console writes the same columns from the shared predicates
// (store/sql/agent-table-facts.ts); this statement spells those predicates once, over each engine's
// JSON functions. SQLite's lower() folds ASCII only: a non-ASCII host or user name sorts by its
// exact lower case from the agent's next hello on.

/** How an engine reads the stored JSON. */
interface JsonReads {
  /** A field of info_json as text, '' when absent. */
  info(field: string): string;
  /** A field of capabilities_json at `path` as text (NULL when absent). */
  capability(path: readonly string[]): string;
  /** The boolean at `path` is false (not merely absent). */
  isFalse(path: readonly string[]): string;
  /** The boolean at `path` is not true (false or absent). */
  notTrue(path: readonly string[]): string;
  /** A hardening switch the policy asks for failed or is unavailable. */
  hardeningFailed: string;
}

function backfill(json: JsonReads): string {
  const apps = json.capability(['apps', 'method']);
  const usb = json.capability(['usb', 'method']);
  const noCaptureBlocking = json.notTrue(['screen', 'captureToolBlocking']);
  return `UPDATE agents SET
  host_key = lower(${json.info('hostname')}),
  user_key = lower(${json.info('user')}),
  os_key = lower(${json.info('os')} || ' ' || ${json.info('osVersion')}),
  version_key = ${json.info('agentVersion')},
  os_name = ${json.info('os')},
  enforces_nothing = CASE WHEN capabilities_json IS NULL THEN 1 WHEN ${apps} = 'none' AND ${usb} = 'none' AND ${noCaptureBlocking} THEN 1 ELSE 0 END,
  fails_open = CASE WHEN ${apps} = 'fanotify' AND ${json.capability(['apps', 'failMode'])} = 'open' THEN 1 ELSE 0 END,
  degraded = CASE WHEN capabilities_json IS NULL THEN 0
    WHEN ${apps} <> 'fanotify' OR ${json.isFalse(['apps', 'helper', 'running'])} OR ${usb} = 'none' OR ${noCaptureBlocking} OR ${json.hardeningFailed} THEN 1 ELSE 0 END`;
}

const sqliteCapability = (path: readonly string[]): string => `json_extract(capabilities_json, '$.${path.join('.')}')`;

const SQLITE: JsonReads = {
  info: (field) => `coalesce(json_extract(info_json, '$.${field}'), '')`,
  capability: sqliteCapability,
  // JSON true and false come out as 1 and 0.
  isFalse: (path) => `${sqliteCapability(path)} = 0`,
  notTrue: (path) => `coalesce(${sqliteCapability(path)}, 0) = 0`,
  hardeningFailed: `EXISTS (SELECT 1 FROM json_each(capabilities_json, '$.hardening') AS h
    WHERE json_extract(h.value, '$.requested') = 1 AND json_extract(h.value, '$.state') IN ('failed', 'unavailable'))`,
};

// jsonb refuses the escape \u0000, which free text (user name, notes) may carry. In the names it
// becomes U+E000 "0", as the store's encodeText (stored-text.ts) binds a NUL, so the keys equal
// those the console writes; in the report's notes (not read here) any character will do.
const PG_INFO_JSON = "(replace(info_json, '\\u0000', '\\ue0000')::jsonb)";
const PG_CAPS_JSON = "(replace(capabilities_json, '\\u0000', '\\ufffd')::jsonb)";
const pgCapability = (path: readonly string[]): string => `(${PG_CAPS_JSON} #>> '{${path.join(',')}}')`;

const POSTGRES: JsonReads = {
  info: (field) => `coalesce(${PG_INFO_JSON} ->> '${field}', '')`,
  capability: pgCapability,
  isFalse: (path) => `${pgCapability(path)} = 'false'`,
  notTrue: (path) => `coalesce(${pgCapability(path)}, 'false') <> 'true'`,
  hardeningFailed: `EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(${PG_CAPS_JSON} -> 'hardening') = 'array' THEN ${PG_CAPS_JSON} -> 'hardening' ELSE '[]'::jsonb END) AS h
    WHERE h ->> 'requested' = 'true' AND h ->> 'state' IN ('failed', 'unavailable'))`,
};

/** Migration 69's back-fill, per engine. */
export const AGENT_TABLE_FACTS_BACKFILL = { sqlite: backfill(SQLITE), postgres: backfill(POSTGRES) } as const;
