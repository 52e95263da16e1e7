import type { Role } from '@dlp/shared';

// Its own file so the access-store (API tokens name their creator) and store.ts both depend on it,
// not on each other.
export interface UserRecord {
  id: string;
  username: string;
  role: Role;
  /** Self-describing scrypt hash (see auth/password-hash.ts). */
  passwordHash: string;
  createdAt: string;
  disabled: boolean;
  /** When the password was last set (rotation is measured from here). */
  passwordChangedAt: string;
  /** Set for the printed first-admin password and for passwords an admin chose. */
  mustChangePassword: boolean;
  /** Consecutive failed logins since the last success or lockout. */
  failedLogins: number;
  /** Unix ms until which logins are refused (5 failures lock for 15 minutes). */
  lockedUntilMs: number | null;
}

/** What `insert` needs: the login-state fields default to a fresh, unlocked account. */
export type NewUserRecord = Omit<UserRecord, 'passwordChangedAt' | 'mustChangePassword' | 'failedLogins' | 'lockedUntilMs'> &
  Partial<Pick<UserRecord, 'passwordChangedAt' | 'mustChangePassword'>>;
