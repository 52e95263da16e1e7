import { CLOSE_CODES, ENROLL_WAIT_CODES, PROTOCOL_VERSION, type ConsoleToAgentMessage, type EnrollMessage } from '@dlp/shared';
import type { LogFields } from '../logging/logger';
import type { ConnectionServices } from './connection-context';

/** ws close code of a normal end (the agent enrolled and reconnects with hello). */
export const NORMAL_CLOSE = 1000;

/** What answering an `enroll` frame needs from its connection. */
export interface EnrollingConnection {
  readonly remoteAddress: string;
  send(message: ConsoleToAgentMessage): void;
  close(code: number, reason: string): void;
  refuse(closeCode: number, errorCode: string, message: string, fields?: LogFields): void;
  /** The connection now speaks for this agent (for its log lines). */
  adoptAgent(agentId: string): void;
}

/**
 * Answers an `enroll` frame: credentials and the console key once, then a normal close; or "pending
 * approval" / "rate limited" with the time to ask again; or a refusal.
 */
export async function answerEnroll(ctx: ConnectionServices, connection: EnrollingConnection, message: EnrollMessage): Promise<void> {
  const outcome = await ctx.enrollment.enroll(message.secret, message.agent, { requestKey: message.requestKey, remoteAddress: connection.remoteAddress });
  if (outcome.kind === 'refused') return connection.refuse(CLOSE_CODES.unauthorized, outcome.code, outcome.message, { hostname: message.agent.hostname });
  if (outcome.kind !== 'enrolled') {
    // Not an error of the agent's: it waits `retryAfterMs` and asks again with the same request key.
    const pending = outcome.kind === 'pending';
    const code = pending ? ENROLL_WAIT_CODES.pending : ENROLL_WAIT_CODES.rateLimited;
    ctx.logger.info(pending ? 'enrollment pending approval' : 'enrollment rate limited', { hostname: message.agent.hostname, remoteAddress: connection.remoteAddress, retryAfterMs: outcome.retryAfterMs });
    const text = pending ? 'this enrollment waits for an admin’s approval; ask again later' : 'too many enrollments with this secret right now; ask again later';
    connection.send({ v: PROTOCOL_VERSION, type: 'error', code, message: text, retryAfterMs: outcome.retryAfterMs });
    return connection.close(pending ? CLOSE_CODES.enrollPending : CLOSE_CODES.rateLimited, code);
  }
  const enrolled = outcome.agent;
  connection.adoptAgent(enrolled.agentId);
  ctx.logger.info('agent enrolled', { agentId: enrolled.agentId, hostname: message.agent.hostname, groupId: enrolled.groupId });
  // The unlock key is a secret: it goes on the wire once, and is never logged.
  connection.send({ v: PROTOCOL_VERSION, type: 'enrolled', agentId: enrolled.agentId, token: enrolled.token, consoleKey: ctx.consoleKey, unlockKey: enrolled.unlockKey });
  // The agent stores its credentials and reconnects with hello.
  connection.close(NORMAL_CLOSE, 'enrolled');
}
