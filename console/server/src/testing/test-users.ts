import type { Role } from '@dlp/shared';
import { RestClient } from './rest-client';
import type { TestConsole } from './test-console';

export interface TestUser {
  id: string;
  username: string;
  password: string;
  /** Logged in, CSRF token set. */
  client: RestClient;
}

/**
 * Creates a user through the REST API as the test console's admin (no forced password change)
 * and logs them in.
 */
export async function createTestUser(t: TestConsole, role: Role, username = `${role}-user`): Promise<TestUser> {
  // Fixed and free of common user names (the password must not contain the user name).
  const password = 'plum orchard at dusk 1987';
  const created = await t.admin.json<{ user: { id: string } }>('POST', '/api/v1/users', { username, role, password, mustChangePassword: false });
  if (created.status !== 201) throw new Error(`create user ${username}: ${created.status} ${JSON.stringify(created.body)}`);
  const client = new RestClient(t.console.url);
  const login = await client.login(username, password);
  if (login.status !== 200) throw new Error(`login ${username}: ${login.status}`);
  return { id: created.body.user.id, username, password, client };
}

/** Creates an API token for `role` as the test console's admin and returns the token. */
export async function createTestApiToken(t: TestConsole, role: Role, name = `${role} automation`): Promise<string> {
  const created = await t.admin.json<{ token: string }>('POST', '/api/v1/api-tokens', { name, role });
  if (created.status !== 201) throw new Error(`create API token: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.token;
}
