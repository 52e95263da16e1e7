import { uuidv7, type CreateUserRequest, type UpdateUserRequest, type UserSummary } from '@dlp/shared';
import { hashPassword } from '../auth/password-hash';
import type { ConsoleStore, UserRecord } from '../store/store';
import type { RevocationReason } from '../auth/principal-revocation';
import { transactThenAnnounce } from '../service-kit/after-commit';
import type { AuditEntryInput, AuditService } from '../audit/audit-service';
import type { ConsoleEvents } from '../service-kit/console-events';
import { assertPasswordAcceptable } from './password-rules';
import { notFound, ServiceError } from '../service-kit/service-error';

type AuditContext = Pick<AuditEntryInput, 'actor' | 'sourceIp'>;

/** The API view of a user: never the password hash. */
export function toUserSummary(user: UserRecord, nowMs = Date.now()): UserSummary {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    disabled: user.disabled,
    createdAt: user.createdAt,
    passwordChangedAt: user.passwordChangedAt,
    mustChangePassword: user.mustChangePassword,
    lockedUntil: user.lockedUntilMs !== null && user.lockedUntilMs > nowMs ? new Date(user.lockedUntilMs).toISOString() : null,
  };
}

/** What the audit log keeps of a user: the summary minus volatile login state. */
function auditView(user: UserRecord): { username: string; role: string; disabled: boolean } {
  return { username: user.username, role: user.role, disabled: user.disabled };
}

/**
 * Personal accounts, managed by admins. Disabling a user ends their sessions at once (their API
 * tokens stop working because tokens check their creator); at least one enabled admin always remains.
 */
export class UserService {
  constructor(
    private readonly store: ConsoleStore,
    private readonly audit: AuditService,
    /** Where ended access is announced (the user's live streams close on every node). */
    private readonly events?: ConsoleEvents,
  ) {}

  async list(): Promise<UserSummary[]> {
    const now = Date.now();
    return (await this.store.users.list()).map((user) => toUserSummary(user, now));
  }

  async get(id: string): Promise<UserSummary> {
    return toUserSummary(await this.require(id));
  }

  async create(input: CreateUserRequest, context: AuditContext): Promise<UserSummary> {
    assertPasswordAcceptable(input.password, input.username, 'password');
    const passwordHash = await hashPassword(input.password);
    const id = uuidv7();
    // The admin knows the password they typed: the person must replace it unless told otherwise.
    const mustChangePassword = input.mustChangePassword ?? true;
    await this.store.transaction(async (tx) => {
      if (await tx.users.findByUsername(input.username)) {
        throw new ServiceError('conflict', 'username_taken', `A user named ${input.username} already exists.`, [{ path: 'username', message: 'is taken' }]);
      }
      const createdAt = new Date().toISOString();
      await tx.users.insert({ id, username: input.username, role: input.role, passwordHash, createdAt, disabled: false, mustChangePassword });
      await this.audit.record({ ...context, action: 'user.create', target: { type: 'user', id }, after: { username: input.username, role: input.role, disabled: false, mustChangePassword } }, tx);
    });
    return this.get(id);
  }

  async update(id: string, changes: UpdateUserRequest, context: AuditContext): Promise<UserSummary> {
    const existing = await this.require(id);
    if (changes.password !== undefined) assertPasswordAcceptable(changes.password, existing.username, 'password');
    const passwordHash = changes.password !== undefined ? await hashPassword(changes.password) : undefined;
    const actorId = 'id' in context.actor ? context.actor.id : undefined;

    await transactThenAnnounce(this.store, async (tx, announce) => {
      const user = await tx.users.findById(id);
      if (!user) throw notFound('user', id);
      // Disabling, a new role or a password reset: the user's open streams close (once, after commit).
      const revoke = (reason: RevocationReason): void => {
        if (announce.length === 0) announce.push(() => this.events?.emit('principal-revoked', { scope: 'user', userId: id, reason }));
      };
      const losesAdmin = user.role === 'admin' && !user.disabled && ((changes.role !== undefined && changes.role !== 'admin') || changes.disabled === true);
      if (losesAdmin && actorId === user.id && changes.disabled === true) {
        throw new ServiceError('conflict', 'cannot_disable_self', 'You cannot disable your own account.');
      }
      if (losesAdmin && (await tx.users.countEnabledAdmins()) <= 1) {
        throw new ServiceError('conflict', 'last_admin', 'The console must keep at least one enabled admin.');
      }

      const roleOrStatus = (changes.role !== undefined && changes.role !== user.role) || (changes.disabled !== undefined && changes.disabled !== user.disabled);
      if (roleOrStatus) {
        const next: { role?: UserRecord['role']; disabled?: boolean } = {};
        if (changes.role !== undefined) next.role = changes.role;
        if (changes.disabled !== undefined) next.disabled = changes.disabled;
        await tx.users.update(id, next);
        // Disabling ends every session now, not at its expiry.
        if (changes.disabled === true) await tx.sessions.deleteForUser(id);
        if (changes.disabled === true && !user.disabled) revoke('disabled');
        else if (changes.role !== undefined && changes.role !== user.role) revoke('role-changed');
        const after = { ...auditView(user), ...next };
        await this.audit.record({ ...context, action: changes.disabled === true && !user.disabled ? 'user.disable' : 'user.update', target: { type: 'user', id }, before: auditView(user), after }, tx);
      }

      if (passwordHash !== undefined) {
        const mustChange = changes.mustChangePassword ?? true;
        await tx.users.setPassword(id, passwordHash, new Date().toISOString(), mustChange);
        await tx.users.setLoginState(id, 0, null);
        await tx.sessions.deleteForUser(id);
        revoke('password');
        await this.audit.record({ ...context, action: 'user.password_reset', target: { type: 'user', id }, after: { username: user.username, mustChangePassword: mustChange } }, tx);
      } else if (changes.mustChangePassword !== undefined && changes.mustChangePassword !== user.mustChangePassword) {
        await tx.users.setPassword(id, user.passwordHash, user.passwordChangedAt, changes.mustChangePassword);
        await this.audit.record(
          { ...context, action: 'user.update', target: { type: 'user', id }, before: { mustChangePassword: user.mustChangePassword }, after: { mustChangePassword: changes.mustChangePassword } },
          tx,
        );
      }
    });
    return this.get(id);
  }

  private async require(id: string): Promise<UserRecord> {
    const user = await this.store.users.findById(id);
    if (!user) throw notFound('user', id);
    return user;
  }
}
