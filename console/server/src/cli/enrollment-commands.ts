import { userInfo } from 'node:os';
import { AuditService } from '../audit/audit-service';
import { EnrollmentService, type EnrollSecretLimits } from '../enrollment/enrollment-service';
import { ServiceError } from '../service-kit/service-error';
import type { ConsoleStore } from '../store/store';
import type { CliIo } from './cli-io';

/** CLI changes are audited as the console's own `cli` actor: the CLI runs with file access, not a login. */
export const CLI_CONTEXT = { actor: { system: 'cli' }, sourceIp: null } as const;

/** Who ran the CLI, as the OS knows them (recorded beside `cli` in the audit row). */
export function cliOperator(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export interface SecretFlags {
  'max-uses'?: string | undefined;
  expires?: string | undefined;
  'needs-approval'?: boolean | undefined;
  rate?: string | undefined;
}

/** `--expires` as an ISO time or a duration from now: `30d`, `12h`, `90m`. Throws with the rule. */
export function parseExpiry(text: string, nowMs: number): string {
  const duration = /^(\d{1,6})([dhm])$/.exec(text);
  if (duration) {
    const unitMs = { d: 86_400_000, h: 3_600_000, m: 60_000 }[duration[2] as 'd' | 'h' | 'm'];
    return new Date(nowMs + Number(duration[1]) * unitMs).toISOString();
  }
  const at = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(at)) throw new Error(`--expires must be an ISO time or a duration like 30d, 12h, 90m; got "${text.slice(0, 40)}"`);
  return new Date(at).toISOString();
}

function parseCount(flag: string, text: string, max: number): number {
  const n = /^\d{1,7}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= max)) throw new Error(`--${flag} must be 1-${max}, got "${text.slice(0, 20)}"`);
  return n;
}

/** The limits the flags ask for; throws a usage error for a bad value. */
export function secretLimitsFrom(flags: SecretFlags, nowMs = Date.now()): EnrollSecretLimits {
  const limits: EnrollSecretLimits = {};
  if (flags['max-uses'] !== undefined) limits.maxUses = parseCount('max-uses', flags['max-uses'], 1_000_000);
  if (flags.expires !== undefined) limits.expiresAt = parseExpiry(flags.expires, nowMs);
  if (flags['needs-approval'] === true) limits.needsApproval = true;
  if (flags.rate !== undefined) limits.ratePerMinute = parseCount('rate', flags.rate, 100_000);
  return limits;
}

/** `dlp create-enroll-secret LABEL [limits]`: the secret is printed once; the audit row never holds it. */
export async function createEnrollSecretCommand(store: ConsoleStore, io: CliIo, label: string, flags: SecretFlags): Promise<number> {
  let limits: EnrollSecretLimits;
  try {
    limits = secretLimitsFrom(flags);
  } catch (err) {
    io.err(err instanceof Error ? err.message : String(err));
    return 2;
  }
  const enrollment = new EnrollmentService(store, io.logger);
  try {
    const created = await enrollment.createSecret(label, undefined, limits);
    await new AuditService(store).record({
      ...CLI_CONTEXT,
      action: 'enroll_secret.create',
      target: { type: 'enroll_secret', id: created.id },
      after: { label: created.label, groupId: created.groupId, maxUses: created.maxUses, expiresAt: created.expiresAt, needsApproval: created.needsApproval, ratePerMinute: created.ratePerMinute, osUser: cliOperator() },
    });
    io.out(`Enroll secret "${created.label}": ${created.secret}  (shown once)`);
    return 0;
  } catch (err) {
    if (!(err instanceof ServiceError)) throw err;
    io.err(`refused (${err.code}): ${err.message}`);
    return 2;
  }
}

/** `dlp enroll-requests [--all]`: one tab-separated line per request (waiting ones unless --all). */
export async function listEnrollRequestsCommand(store: ConsoleStore, io: CliIo, all: boolean): Promise<number> {
  const requests = await new EnrollmentService(store, io.logger).listRequests(all ? 'all' : 'pending');
  for (const r of requests) io.out([r.id, r.status, r.agent.hostname, r.agent.user ?? '-', r.remoteAddress ?? '-', r.secretLabel, r.requestedAt].join('\t'));
  if (requests.length === 0) io.err(all ? 'no enrollment requests' : 'no enrollment requests waiting for approval');
  return 0;
}

/** `dlp approve-enrollment ID` / `dlp reject-enrollment ID`, audited as `enroll_request.approve|reject`. */
export async function decideEnrollRequestCommand(store: ConsoleStore, io: CliIo, id: string, verb: 'approve' | 'reject'): Promise<number> {
  const operator = cliOperator();
  try {
    const decided = await new EnrollmentService(store, io.logger).decideRequest(id, verb === 'approve' ? 'approved' : 'rejected', `cli:${operator}`);
    await new AuditService(store).record({
      ...CLI_CONTEXT,
      action: `enroll_request.${verb}`,
      target: { type: 'enroll_request', id },
      after: { hostname: decided.info.hostname, enrollSecretId: decided.enrollSecretId, remoteAddress: decided.remoteAddress, osUser: operator },
    });
    io.out(`${verb === 'approve' ? 'Approved' : 'Rejected'} enrollment request ${id} (${decided.info.hostname})`);
    return 0;
  } catch (err) {
    if (!(err instanceof ServiceError)) throw err;
    io.err(`${err.message}`);
    return 1;
  }
}
