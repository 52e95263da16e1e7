import type { CurrentUser, Role } from '@dlp/shared';
import { uuidv7 } from '@dlp/shared';
import { csrfTokenFor } from '../auth/csrf-token';
import { LoginThrottle, type LoginThrottleOptions } from '../auth/login-throttle';
import { decoyPasswordHash, hashPassword, verifyPassword } from '../auth/password-hash';
import { streamSessionKey } from '../auth/principal-revocation';
import type { Principal } from '../auth/principal';
import { newSecretToken, sha256Hex } from '../auth/secret-token';
import type { Logger } from '../logging/logger';
import type { ConsoleStore, UserRecord } from '../store/store';
import type { AuditEntryInput, AuditService } from '../audit/audit-service';
import type { ConsoleEvents } from '../service-kit/console-events';
import { ServiceError } from '../service-kit/service-error';
import { readSettings } from '../settings/settings-service';
import { isPasswordExpired } from './password-rules';

export type { Principal } from '../auth/principal';

/** Sessions last one working day; then people log in again. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** Consecutive failed logins that lock an account… */
export const MAX_FAILED_LOGINS = 5;
/** …for this long. Persisted, so a restart does not unlock it. */
export const LOCKOUT_MS = 15 * 60 * 1000;
/**
 * The one answer to every refused login (unknown user, wrong password, disabled or locked account),
 * so the answer never tells which user names exist or are locked.
 */
export const INVALID_LOGIN_MESSAGE = 'Wrong username or password (after repeated failures an account is locked for 15 minutes).';

/** Prefix of API tokens, so a leaked one is recognisable and an agent token can never be mistaken for one. */
export const API_TOKEN_PREFIX = 'dlp_';

export interface LoginResult {
  user: CurrentUser;
  /** Cookie value: given to the browser once, only its hash is stored. */
  sessionToken: string;
  expiresAtMs: number;
  csrfToken: string;
  mustChangePassword: boolean;
}

type AuditContext = Pick<AuditEntryInput, 'actor' | 'sourceIp'>;

/** The audit actor for an unauthenticated caller (failed logins). */
const ANONYMOUS = { system: 'anonymous' } as const;

function toCurrentUser(user: UserRecord): CurrentUser {
  return { id: user.id, username: user.username, role: user.role };
}

/** Users, passwords, lockout, cookie sessions and API-token authentication. */
export class AuthService {
  /** A per-address brake on top of the per-account lockout (which an attacker could spread across names). */
  private readonly throttle: LoginThrottle;

  constructor(
    private readonly store: ConsoleStore,
    private readonly logger: Logger,
    private readonly audit: AuditService,
    /** Where ended sessions are announced (live streams close on every node); absent in the CLI. */
    private readonly events?: ConsoleEvents,
    /** Tuning of the per-address login brake (tests shorten it); see DEFAULT_LOGIN_THROTTLE. */
    loginThrottle: Partial<LoginThrottleOptions> | LoginThrottle = {},
  ) {
    this.throttle = loginThrottle instanceof LoginThrottle ? loginThrottle : new LoginThrottle(loginThrottle);
    // The decoy hash is made now, so the first login of an unknown user takes no longer than others.
    decoyPasswordHash().catch(() => undefined);
  }

  async login(username: string, password: string, clientAddress: string): Promise<LoginResult> {
    const admission = await this.throttle.admit(clientAddress, username);
    if (!admission.admitted) {
      this.logger.warn('login refused: too many logins waiting from this address', { clientAddress });
      throw new ServiceError('too_many_requests', 'too_many_attempts', `Too many logins at once from this address; try again in ${admission.retryAfterS} s.`);
    }
    if (admission.delayedMs > 0) this.logger.warn('login slowed', { clientAddress, delayedMs: admission.delayedMs });
    const now = Date.now();
    const user = await this.store.users.findByUsername(username);
    const target = user ? { type: 'user', id: user.id } : { type: 'username', id: username };
    const failed = async (reason: string): Promise<void> => {
      this.throttle.recordFailure(clientAddress);
      this.logger.warn('login failed', { username, clientAddress, reason });
      await this.audit.record({ actor: ANONYMOUS, sourceIp: clientAddress, action: 'auth.login_failed', target, after: { username, reason } });
    };

    const locked = user !== undefined && user.lockedUntilMs !== null && user.lockedUntilMs > now;
    // Hash for every attempt (unknown users against a decoy, locked ones too) so time reveals nothing.
    const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyPasswordHash()));
    if (!user || !ok || user.disabled || locked) {
      await failed(!user ? 'unknown_user' : locked ? 'account_locked' : !ok ? 'wrong_password' : 'disabled');
      // Failures while locked do not extend the lock: the owner gets back in 15 minutes after it began.
      if (user && !ok && !locked) await this.countFailure(user.id, clientAddress);
      throw new ServiceError('invalid_credentials', 'invalid_credentials', INVALID_LOGIN_MESSAGE);
    }

    // Resets this account's failure count (below) and nothing of the address's.
    this.throttle.recordSuccess(clientAddress, username);
    const sessionToken = newSecretToken();
    const expiresAtMs = now + SESSION_TTL_MS;
    const settings = await readSettings(this.store);
    const mustChangePassword = isPasswordExpired(user, settings, now);
    await this.store.transaction(async (tx) => {
      await tx.users.setLoginState(user.id, 0, null);
      await tx.sessions.deleteExpired(now);
      await tx.sessions.insert({ tokenHash: sha256Hex(sessionToken), userId: user.id, createdAt: new Date(now).toISOString(), expiresAtMs });
      await this.audit.record(
        { actor: toCurrentUser(user), sourceIp: clientAddress, action: 'auth.login', target: { type: 'user', id: user.id }, after: { mustChangePassword } },
        tx,
      );
    });
    this.logger.info('login', { username, clientAddress });
    return { user: toCurrentUser(user), sessionToken, expiresAtMs, csrfToken: csrfTokenFor(sessionToken), mustChangePassword };
  }

  /** The caller behind a session cookie value, if the session is valid and its user enabled. */
  async principalForSession(sessionToken: string): Promise<Principal | undefined> {
    const now = Date.now();
    const found = await this.store.sessions.findActive(sha256Hex(sessionToken), now);
    if (!found) return undefined;
    const settings = await readSettings(this.store);
    const user = toCurrentUser(found.user);
    return { user, via: 'session', mustChangePassword: isPasswordExpired(found.user, settings, now), sessionToken, person: { id: user.id, username: user.username } };
  }

  /**
   * The caller behind `Authorization: Bearer dlp_…`: a token that is not revoked or expired, whose
   * creator is enabled and still holds the token's role (or is an admin). Anything else is nobody.
   */
  async principalForApiToken(token: string): Promise<Principal | undefined> {
    if (!token.startsWith(API_TOKEN_PREFIX)) return undefined;
    const now = new Date();
    const found = await this.store.apiTokens.findUsable(sha256Hex(token), now.getTime());
    if (!found) return undefined;
    if (found.creator.role !== 'admin' && found.creator.role !== found.token.role) return undefined;
    await this.store.apiTokens.touch(found.token.id, now);
    return {
      user: { id: found.token.id, username: `token:${found.token.name}`, role: found.token.role },
      via: 'api-token',
      mustChangePassword: false,
      tokenScope: found.token.scope,
      person: { id: found.creator.id, username: found.creator.username },
      apiTokenId: found.token.id,
    };
  }

  async logout(sessionToken: string): Promise<void> {
    await this.store.sessions.delete(sha256Hex(sessionToken));
    this.events?.emit('principal-revoked', { scope: 'session', sessionKey: streamSessionKey(sessionToken), reason: 'logout' });
  }

  /**
   * Changes the caller's own password after checking the current one. Other sessions of the user
   * end; the calling session stays. The password rules are checked by `passwordRules` first.
   */
  async changeOwnPassword(principal: Principal, currentPassword: string, newPassword: string, sourceIp: string | null): Promise<void> {
    if (principal.via !== 'session' || principal.sessionToken === undefined) {
      throw new ServiceError('invalid_request', 'not_a_user', 'Only a person logged in with a password can change it.');
    }
    const user = await this.store.users.findById(principal.user.id);
    if (!user) throw new ServiceError('invalid_credentials', 'invalid_credentials', 'Wrong current password.');
    if (!(await verifyPassword(currentPassword, user.passwordHash))) {
      await this.audit.record({ actor: principal.user, sourceIp, action: 'auth.password_change_failed', target: { type: 'user', id: user.id }, after: { reason: 'wrong_current_password' } });
      throw new ServiceError('invalid_credentials', 'invalid_credentials', 'Wrong current password.');
    }
    if (await verifyPassword(newPassword, user.passwordHash)) {
      throw new ServiceError('invalid_request', 'password_unchanged', 'The new password must differ from the current one.', [
        { path: 'newPassword', message: 'must differ from the current password' },
      ]);
    }
    const hash = await hashPassword(newPassword);
    const keep = sha256Hex(principal.sessionToken);
    await this.store.transaction(async (tx) => {
      await tx.users.setPassword(user.id, hash, new Date().toISOString(), false);
      await tx.sessions.deleteForUserExcept(user.id, keep);
      await this.audit.record({ actor: principal.user, sourceIp, action: 'auth.password_change', target: { type: 'user', id: user.id } }, tx);
    });
    this.events?.emit('principal-revoked', { scope: 'user', userId: user.id, keepSession: streamSessionKey(principal.sessionToken), reason: 'password' });
  }

  async hasUsers(): Promise<boolean> {
    return (await this.store.users.count()) > 0;
  }

  /** Creates a user unless the username is taken; returns false when it already existed. */
  async createUserIfMissing(username: string, role: Role, password: string, options: { mustChangePassword: boolean; context: AuditContext }): Promise<boolean> {
    if (await this.store.users.findByUsername(username)) return false;
    const id = uuidv7();
    const passwordHash = await hashPassword(password);
    await this.store.transaction(async (tx) => {
      const createdAt = new Date().toISOString();
      await tx.users.insert({ id, username, role, passwordHash, createdAt, disabled: false, mustChangePassword: options.mustChangePassword });
      await this.audit.record({ ...options.context, action: 'user.create', target: { type: 'user', id }, after: { username, role, mustChangePassword: options.mustChangePassword } }, tx);
    });
    return true;
  }

  /** Sets a new password (CLI reset), ends the user's sessions and unlocks the account. False for an unknown user. */
  async setPassword(username: string, password: string, options: { mustChangePassword: boolean; context: AuditContext }): Promise<boolean> {
    const user = await this.store.users.findByUsername(username);
    if (!user) return false;
    const hash = await hashPassword(password);
    await this.store.transaction(async (tx) => {
      await tx.users.setPassword(user.id, hash, new Date().toISOString(), options.mustChangePassword);
      await tx.users.setLoginState(user.id, 0, null);
      await tx.sessions.deleteForUser(user.id);
      await this.audit.record({ ...options.context, action: 'user.password_reset', target: { type: 'user', id: user.id }, after: { mustChangePassword: options.mustChangePassword } }, tx);
    });
    this.events?.emit('principal-revoked', { scope: 'user', userId: user.id, reason: 'password' });
    return true;
  }

  /** One more consecutive failure; the fifth locks the account (audited as `auth.lockout`). */
  private async countFailure(userId: string, clientAddress: string): Promise<void> {
    await this.store.transaction(async (tx) => {
      const current = await tx.users.findById(userId);
      if (!current) return;
      const failures = current.failedLogins + 1;
      if (failures < MAX_FAILED_LOGINS) {
        await tx.users.setLoginState(userId, failures, current.lockedUntilMs);
        return;
      }
      const lockedUntilMs = Date.now() + LOCKOUT_MS;
      await tx.users.setLoginState(userId, 0, lockedUntilMs);
      await this.audit.record(
        { actor: ANONYMOUS, sourceIp: clientAddress, action: 'auth.lockout', target: { type: 'user', id: userId }, after: { username: current.username, lockedUntil: new Date(lockedUntilMs).toISOString(), failures } },
        tx,
      );
      this.logger.warn('account locked', { username: current.username, clientAddress });
    });
  }
}
