import type { ImpactReadSql } from '../sql/impact-read-queries';

/** The impact read's JSON on SQLite: `->` and json_extract of an object both answer JSON text. */
export const SQLITE_IMPACT_SQL: ImpactReadSql = {
  name: (alias) => `(${alias}.detail_json -> '$.subject.name')`,
  subject: (alias) => `json_extract(${alias}.detail_json, '$.subject')`,
  byRowId: true,
};
