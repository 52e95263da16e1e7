import type { ApiTokenScope, CurrentUser } from '@dlp/shared';

// Below the services so the HTTP session middleware can name who is calling without importing
// the auth service that resolves it.

/** Who is calling, resolved from a session cookie or an API token. */
export interface Principal {
  user: CurrentUser;
  via: 'session' | 'api-token';
  /** Every route but the password change answers 403 `password_expired` until it is changed. */
  mustChangePassword: boolean;
  /** Cookie sessions only: the session token (state-changing requests must carry its CSRF token). */
  sessionToken?: string;
  /** API tokens only: what the token may be used for (`metrics`: GET /metrics and nothing else). */
  tokenScope?: ApiTokenScope;
  /**
   * The person behind the credential: the session's user, or the user who owns (created) the API
   * token. Separation of duties compares persons, never credentials.
   */
  person: { id: string; username: string };
  /** API tokens only: the token's id (what a revocation names). */
  apiTokenId?: string;
}

/** Resolves a credential to its principal (AuthService does; the session middleware needs only this). */
export interface PrincipalResolver {
  principalForSession(sessionToken: string): Promise<Principal | undefined>;
  principalForApiToken(token: string): Promise<Principal | undefined>;
}
