import { createUserRequest, idParam, updateUserRequest, userList, userResponse, type UserList } from '@dlp/shared';
import { Router } from 'express';
import type { UserService } from '../services/user-service';
import { auditContext } from './audit-context';
import { ADMIN_ONLY, endpoint, requireUser } from './endpoint';

/** Users (admins only): list, create, read, change role / disable / reset password. */
export function userRoutes(users: UserService): Router {
  const router = Router();

  router.get(
    '/users',
    endpoint({ access: ADMIN_ONLY, response: userList }, async () => {
      const reply: UserList = { items: await users.list() };
      return { status: 200, body: reply };
    }),
  );

  router.post(
    '/users',
    endpoint({ access: ADMIN_ONLY, body: createUserRequest, response: userResponse }, async ({ body, user, req }) => ({
      status: 201,
      body: { user: await users.create(body, auditContext(requireUser(user), req)) },
    })),
  );

  router.get(
    '/users/:id',
    endpoint({ access: ADMIN_ONLY, params: idParam, response: userResponse }, async ({ params }) => ({ status: 200, body: { user: await users.get(params.id) } })),
  );

  router.patch(
    '/users/:id',
    endpoint({ access: ADMIN_ONLY, params: idParam, body: updateUserRequest, response: userResponse }, async ({ params, body, user, req }) => ({
      status: 200,
      body: { user: await users.update(params.id, body, auditContext(requireUser(user), req)) },
    })),
  );

  return router;
}
