/**
 * Field names whose string values are credentials (passwords, tokens, secrets and their hashes):
 * never written to the audit log. `passwordMaxAgeDays` or `mustChangePassword` do not match
 * because only names *ending* in one of these words count.
 */
const SECRET_NAME = /(password|passphrase|secret|token|privatekey|credential|cookie|unlockcode)(hash)?$/i;

export const REDACTED = '[redacted]';

/** A deep copy of a JSON-like value with every secret-named string field replaced by `[redacted]`. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item: unknown) => redactSecrets(item));
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString();
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = typeof item === 'string' && SECRET_NAME.test(key.replace(/[_-]/g, '')) ? REDACTED : redactSecrets(item);
  }
  return out;
}
