import { pathPatternPlatform, type AppsSection, type PolicyMode } from '@dlp/shared';

/**
 * Turns a policy's `apps` section into the helper's stdin rule protocol (see
 * agent/service/native/README.md). Values are percent-encoded so spaces, newlines and `%` in paths
 * cannot break a line.
 */

const SAFE_BYTE = /[A-Za-z0-9/._~-]/;

/** Percent-encodes every UTF-8 byte outside `A-Z a-z 0-9 / . _ ~ -`. */
export function percentEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += byte < 0x80 && SAFE_BYTE.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * The lines (each ending in "\n") that replace the helper's rule set as one unit. A disabled apps
 * section compiles to "allow everything, report nothing", so the helper keeps answering quickly.
 */
export function compileRuleSet(apps: AppsSection, mode: PolicyMode, generation: number): string {
  const lines = [`BEGIN ${generation}`];
  if (!apps.enabled) {
    lines.push('MODE monitor', 'DEFAULT allow', 'FAILMODE open', `TIMEOUT_MS ${apps.decisionTimeoutMs}`);
  } else {
    lines.push(`MODE ${mode}`, `DEFAULT ${apps.defaultAction}`, `FAILMODE ${apps.failMode}`, `TIMEOUT_MS ${apps.decisionTimeoutMs}`);
    for (const prefix of apps.trustedPaths) lines.push(`TRUSTED ${percentEncode(prefix)}`);
    // A Windows path rule (mixed fleets) can never match here, and the helper accepts only `/…`.
    for (const rule of apps.rules) {
      if (rule.kind === 'path' && pathPatternPlatform(rule.value) !== 'posix') continue;
      lines.push(`RULE ${rule.id} ${rule.action} ${rule.kind} ${percentEncode(rule.value)}`);
    }
  }
  lines.push('END');
  return lines.map((line) => `${line}\n`).join('');
}
