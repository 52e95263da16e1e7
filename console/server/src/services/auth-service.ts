import type { CurrentUser, Role } from '@dlp/shared';
import { uuidv7 } from '@dlp/shared';
import { LoginThrottle } from '../auth/login-throttle';
import { decoyPasswordHash, hashPassword, verifyPassword } from '../auth/password-hash';
import { newSecretToken, sha256Hex } from '../auth/secret-token';
import type { Logger } from '../logging/logger';
import type { ConsoleStore } from '../store/store';
import { ServiceError } from './service-error';

/** Sessions last one working day; then people log in again. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export interface LoginResult {
  user: CurrentUser;
  /** Cookie value: given to the browser once, only its hash is stored. */
  sessionToken: string;
  expiresAtMs: number;
}

/** Users, passwords and cookie sessions. */
export class AuthService {
  private readonly throttle = new LoginThrottle();

  constructor(
    private readonly store: ConsoleStore,
    private readonly logger: Logger,
  ) {}

  async login(username: string, password: string, clientAddress: string): Promise<LoginResult> {
    if (!this.throttle.allows(clientAddress, username)) {
      this.logger.warn('login throttled', { username, clientAddress });
      throw new ServiceError('too_many_requests', 'too_many_attempts', 'Too many failed logins; try again later.');
    }
    const user = await this.store.users.findByUsername(username);
    // Hash even for unknown users so response time does not reveal which usernames exist.
    const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyPasswordHash()));
    if (!user || !ok || user.disabled) {
      this.throttle.recordFailure(clientAddress, username);
      this.logger.warn('login failed', { username, clientAddress });
      throw new ServiceError('invalid_credentials', 'invalid_credentials', 'Wrong username or password.');
    }
    this.throttle.recordSuccess(clientAddress, username);
    const now = Date.now();
    const sessionToken = newSecretToken();
    const expiresAtMs = now + SESSION_TTL_MS;
    await this.store.sessions.deleteExpired(now);
    await this.store.sessions.insert({ tokenHash: sha256Hex(sessionToken), userId: user.id, createdAt: new Date(now).toISOString(), expiresAtMs });
    this.logger.info('login', { username, clientAddress });
    return { user: { id: user.id, username: user.username, role: user.role }, sessionToken, expiresAtMs };
  }

  /** The user behind a session cookie value, if the session is valid. */
  async userForSession(sessionToken: string): Promise<CurrentUser | undefined> {
    const found = await this.store.sessions.findActive(sha256Hex(sessionToken), Date.now());
    return found ? { id: found.user.id, username: found.user.username, role: found.user.role } : undefined;
  }

  async logout(sessionToken: string): Promise<void> {
    await this.store.sessions.delete(sha256Hex(sessionToken));
  }

  async hasUsers(): Promise<boolean> {
    return (await this.store.users.count()) > 0;
  }

  /** Creates a user unless the username is taken; returns false when it already existed. */
  async createUserIfMissing(username: string, role: Role, password: string): Promise<boolean> {
    if (await this.store.users.findByUsername(username)) return false;
    await this.store.users.insert({
      id: uuidv7(),
      username,
      role,
      passwordHash: await hashPassword(password),
      createdAt: new Date().toISOString(),
      disabled: false,
    });
    return true;
  }

  /** Sets a new password and ends the user's sessions. Returns false for an unknown user. */
  async setPassword(username: string, password: string): Promise<boolean> {
    const user = await this.store.users.findByUsername(username);
    if (!user) return false;
    await this.store.users.updatePasswordHash(username, await hashPassword(password));
    await this.store.sessions.deleteForUser(user.id);
    return true;
  }
}
