/**
 * Whether a store error is a uniqueness conflict: two requests (possibly on two console nodes) tried
 * to create the same thing at once and the database kept one. The loser can simply retry.
 */
export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  // Duck-typed: errors from the native driver need not share this realm's Error.
  const { code, message } = err as { code?: unknown; message?: unknown };
  // PostgreSQL: SQLSTATE 23505 unique_violation. SQLite: SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY
  // (extended codes, better-sqlite3) or SQLITE_CONSTRAINT (sqlite3), with a UNIQUE message.
  if (code === '23505') return true;
  const constraint = code === 'SQLITE_CONSTRAINT' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  return constraint && typeof message === 'string' && /UNIQUE constraint failed/.test(message);
}
