import { z } from 'zod';
import { changePasswordRequest, currentUserResponse, loginRequest, type ChangePasswordRequest, type CurrentUser, type LoginRequest } from '@dlp/shared';
import { ApiRequestError } from './api-error';
import type { HttpClient } from './http-client';

/** Who is signed in, and whether they must set a new password before anything else. */
export interface SignedInUser {
  user: CurrentUser;
  /** True for a printed first-admin password, an admin-set one, or one older than the console allows. */
  mustChangePassword: boolean;
}

/** Sign-in, sign-out, "who am I" and changing one's own password. */
export interface AuthApi {
  /** Rejects with code `invalid_credentials` (401) for a wrong username or password. */
  login(credentials: LoginRequest): Promise<SignedInUser>;
  logout(): Promise<void>;
  /** The signed-in user, or null when there is no valid session. */
  currentUser(): Promise<SignedInUser | null>;
  /**
   * Rejects with a password rule code (`password_too_short`, `password_contains_username`,
   * `password_common`, `password_unchanged`) or `invalid_credentials` for a wrong current password.
   * The session stays signed in; the user's other sessions end.
   */
  changePassword(request: ChangePasswordRequest): Promise<void>;
}

export function createAuthApi(http: HttpClient): AuthApi {
  const toSignedIn = (body: z.infer<typeof currentUserResponse>): SignedInUser => {
    // The CSRF token is renewed on every answer: after a page reload the session cookie survives
    // but the token in memory does not.
    http.setCsrfToken(body.csrfToken);
    return { user: body.user, mustChangePassword: body.mustChangePassword === true };
  };
  return {
    async login(credentials) {
      const checked = loginRequest.safeParse(credentials);
      if (!checked.success) {
        throw new ApiRequestError('http', null, 'missing_fields', 'username and password are required');
      }
      return toSignedIn(await http.request('POST', '/api/v1/auth/login', currentUserResponse, { body: checked.data, unauthorizedIsExpected: true }));
    },
    async logout() {
      await http.requestNoContent('POST', '/api/v1/auth/logout');
      http.setCsrfToken(undefined);
    },
    async currentUser() {
      try {
        return toSignedIn(await http.request('GET', '/api/v1/auth/me', currentUserResponse, { unauthorizedIsExpected: true }));
      } catch (error) {
        if (error instanceof ApiRequestError && error.status === 401) return null;
        throw error;
      }
    },
    async changePassword(request) {
      const checked = changePasswordRequest.safeParse(request);
      if (!checked.success) throw new ApiRequestError('http', null, 'missing_fields', 'current and new password are required');
      // A wrong current password is an answer to this form, not a session that ended.
      await http.requestNoContent('POST', '/api/v1/auth/password', { body: checked.data, unauthorizedIsExpected: true });
    },
  };
}
