import type { RequestHandler } from 'express';
import { auditContext } from './audit-context';
import { endpoint, requireUser, type EndpointInput, type EndpointSpec } from '../http/endpoint';

/** An {@link EndpointSpec} plus the success status (default 200). */
export interface AuditedEndpointSpec<B, Q, P> extends EndpointSpec<B, Q, P> {
  status?: number;
}

/**
 * A signed-in change the service audits: the handler gets the validated input and the caller's
 * audit context and returns the reply body; `undefined` (a delete) replies 204 without a body.
 * Saves every create/update/delete route repeating `auditContext(requireUser(user), req)`.
 */
export function auditedEndpoint<B = undefined, Q = undefined, P = undefined>(
  spec: AuditedEndpointSpec<B, Q, P>,
  handler: (input: EndpointInput<B, Q, P>, audit: ReturnType<typeof auditContext>) => Promise<unknown>,
): RequestHandler {
  const { status = 200, ...endpointSpec } = spec;
  return endpoint(endpointSpec, async (input) => {
    const body = await handler(input, auditContext(requireUser(input.user), input.req));
    return body === undefined ? { status: 204 } : { status, body };
  });
}
