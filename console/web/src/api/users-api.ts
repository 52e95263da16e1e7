import {
  apiTokenCreated,
  apiTokenList,
  userList,
  userResponse,
  type ApiTokenCreated,
  type ApiTokenSummary,
  type CreateApiTokenRequest,
  type CreateUserRequest,
  type UpdateUserRequest,
  type UserSummary,
} from '@dlp/shared';
import type { HttpClient } from './http-client';

/** Console users and API tokens (admins only). */
export interface UsersApi {
  list(): Promise<UserSummary[]>;
  /** 409 `username_taken`; 400 with a password rule code. */
  create(request: CreateUserRequest): Promise<UserSummary>;
  /** 409 `cannot_disable_self` / `last_admin`. */
  update(id: string, changes: UpdateUserRequest): Promise<UserSummary>;
  tokens(): Promise<ApiTokenSummary[]>;
  /** `token` is shown this once. */
  createToken(request: CreateApiTokenRequest): Promise<ApiTokenCreated>;
  revokeToken(id: string): Promise<void>;
}

/** The users API over the shared HTTP client (answers parsed with the @dlp/shared schemas). */
export function createUsersApi(http: HttpClient): UsersApi {
  return {
    list: async () => (await http.request('GET', '/api/v1/users', userList)).items,
    create: async (request) => (await http.request('POST', '/api/v1/users', userResponse, { body: request })).user,
    update: async (id, changes) => (await http.request('PATCH', `/api/v1/users/${encodeURIComponent(id)}`, userResponse, { body: changes })).user,
    tokens: async () => (await http.request('GET', '/api/v1/api-tokens', apiTokenList)).items,
    createToken: (request) => http.request('POST', '/api/v1/api-tokens', apiTokenCreated, { body: request }),
    revokeToken: (id) => http.requestNoContent('DELETE', `/api/v1/api-tokens/${encodeURIComponent(id)}`),
  };
}
