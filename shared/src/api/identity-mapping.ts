import { z } from 'zod';

/**
 * How a workstation user name reported by an agent (`CORP\officer1`, `officer1@corp.example`) is
 * mapped to a console account, so nobody decides a request they made from their own workstation.
 * GET/PUT /api/v1/settings/identity-mapping (admins).
 */

/** In a pattern: the part of the reported name that is the account name; in `account`: where it goes. */
export const IDENTITY_USER_PLACEHOLDER = '{user}';

const placeholderCount = (value: string): number => value.split(IDENTITY_USER_PLACEHOLDER).length - 1;
// No control characters, and no whitespace at either end (a reported name is compared trimmed).
const printable = (value: string): boolean => !/[\p{Cc}]/u.test(value) && value.trim() === value;

export const identityMappingRule = z
  .strictObject({
    /**
     * Matches the whole reported name, case-insensitively: `{user}` (at most once) captures the
     * account part, `*` (at most twice) matches any run of characters, everything else is literal, e.g.
     * `CORP\{user}`, `{user}@corp.example`, `*\{user}`, `jdoe`.
     */
    pattern: z
      .string()
      .min(1)
      .max(200)
      .refine(printable, 'must have no control characters or surrounding spaces')
      .refine((p) => placeholderCount(p) <= 1, 'may contain {user} at most once')
      // Few wildcards keep matching cheap (no pathological backtracking on long reported names).
      .refine((p) => p.split('*').length - 1 <= 2, 'may contain * at most twice'),
    /** The console account: `{user}`, a name around it (`{user}.admin`), or a fixed name (`john.doe`). */
    account: z
      .string()
      .min(1)
      .max(64)
      .refine((a) => placeholderCount(a) <= 1, 'may contain {user} at most once')
      .refine((a) => /^[\p{L}\p{N}._@-]*$/u.test(a.replace(IDENTITY_USER_PLACEHOLDER, '')), 'may contain letters, digits, . _ - @ and {user}'),
  })
  .refine((rule) => placeholderCount(rule.account) === 0 || placeholderCount(rule.pattern) === 1, {
    message: 'uses {user}, so the pattern must capture it',
    path: ['account'],
  });
export type IdentityMappingRule = z.infer<typeof identityMappingRule>;

export const identityMappingSettings = z.strictObject({
  /** Tried in order; the first whose pattern matches names the account. */
  rules: z.array(identityMappingRule).max(100),
  /** When no rule matches: drop a `DOMAIN\` prefix and an `@domain` suffix and use the rest. */
  stripDomain: z.boolean(),
});
export type IdentityMappingSettings = z.infer<typeof identityMappingSettings>;

/** Until an admin sets rules: `CORP\officer1` and `officer1@corp.example` are the account `officer1`. */
export const DEFAULT_IDENTITY_MAPPING: IdentityMappingSettings = { rules: [], stripDomain: true };

/** Account names compare case-insensitively and after Unicode compatibility normalisation. */
export function normalizeAccountName(name: string): string {
  return name.normalize('NFKC').toLowerCase();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** The pattern as an anchored, case-insensitive expression with one capture group for `{user}`. */
function patternRegExp(pattern: string): RegExp {
  const source = pattern
    .split(IDENTITY_USER_PLACEHOLDER)
    .map((part) => part.split('*').map(escapeRegExp).join('.*'))
    .join('(.+)');
  return new RegExp(`^${source}$`, 'iu');
}

/** Strips one `DOMAIN\` prefix and one `@domain` suffix (the default when no rule matches). */
export function stripDomain(reported: string): string {
  const afterBackslash = reported.slice(reported.lastIndexOf('\\') + 1);
  const at = afterBackslash.indexOf('@');
  return at > 0 ? afterBackslash.slice(0, at) : afterBackslash;
}

/**
 * The console account (normalised, see `normalizeAccountName`) a reported workstation user maps
 * to, or null when it maps to none (empty name, or a rule produced no usable name).
 */
export function mapReportedUser(reported: string, mapping: IdentityMappingSettings): string | null {
  // Normalised first, so a full-width `＼` or `＠` separates a domain like its ASCII form.
  const name = reported.normalize('NFKC').trim();
  if (name === '') return null;
  for (const rule of mapping.rules) {
    const match = patternRegExp(rule.pattern).exec(name);
    if (!match) continue;
    const account = rule.account.replace(IDENTITY_USER_PLACEHOLDER, match[1] ?? '');
    return account === '' ? null : normalizeAccountName(account);
  }
  const account = mapping.stripDomain ? stripDomain(name) : name;
  return account === '' ? null : normalizeAccountName(account);
}
