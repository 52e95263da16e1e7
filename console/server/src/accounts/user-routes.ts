import { createUserRequest, idParam, ROUTE_ROLES, updateUserRequest, userList, userResponse, type UserList } from '@dlp/shared';
import { Router } from 'express';
import type { UserService } from './user-service';
import { auditContext } from '../audit/audit-context';
import { endpoint, requireUser } from '../http/endpoint';

/** Users (admins only): list, create, read, change role / disable / reset password. */
export function userRoutes(users: UserService): Router {
  const router = Router();

  router.get(
    '/users',
    endpoint({ access: ROUTE_ROLES.administration, response: userList }, async () => {
      const reply: UserList = { items: await users.list() };
      return { status: 200, body: reply };
    }),
  );

  router.post(
    '/users',
    endpoint({ access: ROUTE_ROLES.administration, body: createUserRequest, response: userResponse }, async ({ body, user, req }) => ({
      status: 201,
      body: { user: await users.create(body, auditContext(requireUser(user), req)) },
    })),
  );

  router.get(
    '/users/:id',
    endpoint({ access: ROUTE_ROLES.administration, params: idParam, response: userResponse }, async ({ params }) => ({ status: 200, body: { user: await users.get(params.id) } })),
  );

  router.patch(
    '/users/:id',
    endpoint({ access: ROUTE_ROLES.administration, params: idParam, body: updateUserRequest, response: userResponse }, async ({ params, body, user, req }) => ({
      status: 200,
      body: { user: await users.update(params.id, body, auditContext(requireUser(user), req)) },
    })),
  );

  return router;
}
