import type { ConsoleSettings } from '@dlp/shared';
import { checkPassword, type PasswordCheckOptions } from '../auth/password-policy';
import type { UserRecord } from '../store/store';
import { ServiceError } from '../service-kit/service-error';

const DAY_MS = 24 * 60 * 60 * 1000;

/** True when the user must set a new password before doing anything else. */
export function isPasswordExpired(user: Pick<UserRecord, 'mustChangePassword' | 'passwordChangedAt'>, settings: ConsoleSettings, nowMs: number): boolean {
  if (user.mustChangePassword) return true;
  if (settings.passwordMaxAgeDays === null) return false;
  const changedAt = Date.parse(user.passwordChangedAt);
  return Number.isNaN(changedAt) || nowMs - changedAt > settings.passwordMaxAgeDays * DAY_MS;
}

/**
 * Throws a 400 whose code is the first broken rule (`password_too_short`,
 * `password_contains_username`, `password_common`) with one issue per broken rule at `field`.
 */
export function assertPasswordAcceptable(password: string, username: string, field: string, options: PasswordCheckOptions = {}): void {
  const failures = checkPassword(password, username, options);
  const first = failures[0];
  if (!first) return;
  throw new ServiceError(
    'invalid_request',
    first.code,
    `The password ${failures.map((f) => f.message).join(', and ')}.`,
    failures.map((f) => ({ path: field, message: `${f.code}: ${f.message}` })),
  );
}
