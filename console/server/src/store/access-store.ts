import type { ApiTokenScope, Role } from '@dlp/shared';
import type { UserRecord } from './user-record';

/** An automation credential: only the SHA-256 of the token is stored. */
export interface ApiTokenRecord {
  id: string;
  name: string;
  /** The role the token acts in. */
  role: Role;
  /** `metrics`: accepted only by GET /metrics. */
  scope: ApiTokenScope;
  tokenHash: string;
  /** The admin who created it: the token stops working while that user is disabled. */
  createdBy: string;
  createdAt: string;
  /** null: never expires. */
  expiresAtMs: number | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface ApiTokenRepository {
  insert(token: ApiTokenRecord): Promise<void>;
  /** Newest first, revoked ones included (they are evidence). */
  list(): Promise<ApiTokenRecord[]>;
  findById(id: string): Promise<ApiTokenRecord | undefined>;
  /** The token and its creator, if it is not revoked, not expired at `nowMs`, and its creator is enabled. */
  findUsable(tokenHash: string, nowMs: number): Promise<{ token: ApiTokenRecord; creator: UserRecord } | undefined>;
  /** Returns false when no such token exists or it was already revoked. */
  revoke(id: string, revokedAt: string): Promise<boolean>;
  /** Records use, at most once a minute per token (so reads do not turn into writes). */
  touch(id: string, usedAt: Date): Promise<void>;
}

/** Console-wide settings as named JSON values. */
export interface SettingsRepository {
  get(name: string): Promise<unknown>;
  set(name: string, value: unknown): Promise<void>;
}
