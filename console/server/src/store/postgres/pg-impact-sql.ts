import type { ImpactReadSql } from '../sql/impact-read-queries';

/** The detail JSON of events row `alias` holds an escaped NUL (which PostgreSQL's JSON functions refuse to read). */
const holdsNul = (alias: string) => `strpos(${alias}.detail_json, '\\u0000') > 0`;

/**
 * The impact read's JSON on PostgreSQL. detail_json is TEXT, read as `json` (its own text kept).
 * Its functions refuse any JSON with an escaped NUL, so such a row answers its whole detail
 * instead, which the reader takes apart itself (and which groups it with its exact copies only).
 */
export const PG_IMPACT_SQL: ImpactReadSql = {
  name: (alias) => `(CASE WHEN ${holdsNul(alias)} THEN ${alias}.detail_json ELSE (${alias}.detail_json::json -> 'subject' -> 'name')::text END)`,
  subject: (alias) => `(CASE WHEN ${holdsNul(alias)} THEN ${alias}.detail_json ELSE (${alias}.detail_json::json -> 'subject')::text END)`,
  byRowId: false,
};
