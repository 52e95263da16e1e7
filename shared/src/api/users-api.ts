import { z } from 'zod';
import { shortString, timestamp } from '../schemas/primitives';
import { role } from './rest';

/**
 * Users, password changes, API tokens and console settings. Password rule failures answer 400 with
 * `error` set to the first failing rule's code (see PASSWORD_RULE_CODES) and one issue per rule.
 */

/** Stable codes for the password rules, in the order they are checked. */
export const PASSWORD_RULE_CODES = ['password_too_short', 'password_contains_username', 'password_common'] as const;
export type PasswordRuleCode = (typeof PASSWORD_RULE_CODES)[number];

/** Login names: letters (any script), digits, `.`, `_`, `-`, `@`. */
export const loginUsername = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\p{L}\p{N}._@-]+$/u, 'may contain letters, digits and . _ - @');

/** Only the length is bounded here; the password rules are the server's (they need the user name). */
const password = z.string().min(1).max(256);

export const userSummary = z.strictObject({
  id: z.string(),
  username: z.string(),
  role,
  disabled: z.boolean(),
  createdAt: timestamp,
  passwordChangedAt: timestamp,
  /** The user must set a new password before doing anything else. */
  mustChangePassword: z.boolean(),
  /** Set while 5 failed logins keep the account locked. */
  lockedUntil: timestamp.nullable(),
});
export type UserSummary = z.infer<typeof userSummary>;

/** GET /api/v1/users */
export const userList = z.strictObject({ items: z.array(userSummary) });
export type UserList = z.infer<typeof userList>;
/** GET/PATCH /api/v1/users/:id, POST /api/v1/users (201) */
export const userResponse = z.strictObject({ user: userSummary });

/** POST /api/v1/users. An admin-chosen password must be changed at first login unless told otherwise. */
export const createUserRequest = z.strictObject({
  username: loginUsername,
  role,
  password,
  mustChangePassword: z.boolean().optional(),
});
export type CreateUserRequest = z.infer<typeof createUserRequest>;

/** PATCH /api/v1/users/:id: change the role, disable/enable, or reset the password (ends the user's sessions). */
export const updateUserRequest = z
  .strictObject({
    role: role.optional(),
    disabled: z.boolean().optional(),
    password: password.optional(),
    mustChangePassword: z.boolean().optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), 'must change at least one field');
export type UpdateUserRequest = z.infer<typeof updateUserRequest>;

/** POST /api/v1/auth/password: change one's own password (204). Other sessions of the user end. */
export const changePasswordRequest = z.strictObject({ currentPassword: password, newPassword: password });
export type ChangePasswordRequest = z.infer<typeof changePasswordRequest>;

/**
 * What a token may be used for: `api`, the REST API in its role; `metrics`, only `GET /metrics` (a
 * Prometheus scrape token that cannot read events, users or anything else).
 */
export const apiTokenScope = z.enum(['api', 'metrics']);
export type ApiTokenScope = z.infer<typeof apiTokenScope>;

export const apiTokenSummary = z.strictObject({
  id: z.string(),
  name: z.string(),
  role,
  scope: apiTokenScope,
  /** Id of the admin who created it; the token stops working while that user is disabled. */
  createdBy: z.string(),
  createdAt: timestamp,
  expiresAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
  lastUsedAt: timestamp.nullable(),
});
export type ApiTokenSummary = z.infer<typeof apiTokenSummary>;

/** POST /api/v1/api-tokens */
export const createApiTokenRequest = z.strictObject({
  name: shortString,
  role,
  scope: apiTokenScope.default('api'),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});
export type CreateApiTokenRequest = z.infer<typeof createApiTokenRequest>;

/** 201 reply: `token` (`dlp_…`) is shown this once; send it as `Authorization: Bearer <token>`. */
export const apiTokenCreated = z.strictObject({ token: z.string(), apiToken: apiTokenSummary });
export type ApiTokenCreated = z.infer<typeof apiTokenCreated>;

/** GET /api/v1/api-tokens (newest first, revoked included) */
export const apiTokenList = z.strictObject({ items: z.array(apiTokenSummary) });

/** GET/PUT /api/v1/settings */
export const consoleSettings = z.strictObject({
  /** Passwords older than this must be changed before anything else; null: no forced rotation. */
  passwordMaxAgeDays: z.number().int().min(1).max(3650).nullable(),
});
export type ConsoleSettings = z.infer<typeof consoleSettings>;
