import { currentUserResponse, loginRequest, type CurrentUser, type LoginRequest } from '@dlp/shared';
import { ApiRequestError } from './api-error';
import type { HttpClient } from './http-client';

/** Sign-in, sign-out and "who am I". */
export interface AuthApi {
  /** Rejects with code `invalid_credentials` (401) for a wrong username or password. */
  login(credentials: LoginRequest): Promise<CurrentUser>;
  logout(): Promise<void>;
  /** The signed-in user, or null when there is no valid session. */
  currentUser(): Promise<CurrentUser | null>;
}

export function createAuthApi(http: HttpClient): AuthApi {
  return {
    async login(credentials) {
      const checked = loginRequest.safeParse(credentials);
      if (!checked.success) {
        throw new ApiRequestError('http', null, 'missing_fields', 'username and password are required');
      }
      const body = await http.request('POST', '/api/v1/auth/login', currentUserResponse, { body: checked.data, unauthorizedIsExpected: true });
      http.setCsrfToken(body.csrfToken);
      return body.user;
    },
    async logout() {
      await http.requestNoContent('POST', '/api/v1/auth/logout');
      http.setCsrfToken(undefined);
    },
    async currentUser() {
      try {
        const body = await http.request('GET', '/api/v1/auth/me', currentUserResponse, { unauthorizedIsExpected: true });
        // After a page reload the session cookie survives but the token in memory does not.
        http.setCsrfToken(body.csrfToken);
        return body.user;
      } catch (error) {
        if (error instanceof ApiRequestError && error.status === 401) return null;
        throw error;
      }
    },
  };
}
