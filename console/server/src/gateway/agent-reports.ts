import { PROTOCOL_VERSION, type AgentToConsoleMessage, type ConsoleToAgentMessage } from '@dlp/shared';
import type { ConnectionServices } from './connection-context';

/** What an authenticated agent reports besides events: receipts, capabilities, heartbeats, requests. */
export type AgentReport = Extract<
  AgentToConsoleMessage,
  { type: 'policy-receipt' | 'capabilities' | 'heartbeat' | 'exception-request' | 'exception-receipt' | 'scan-status' }
>;

/** What handling a report needs from its connection. */
export interface ReportingConnection {
  send(message: ConsoleToAgentMessage): void;
  /** The outbox depth the agent's last heartbeat reported. */
  noteOutboxDepth(depth: number): void;
}

/** Records one report of an authenticated agent (after hello); answers heartbeats. */
export async function handleAgentReport(ctx: ConnectionServices, agentId: string, connection: ReportingConnection, message: AgentReport): Promise<void> {
  switch (message.type) {
    case 'policy-receipt':
      await ctx.agents.recordPolicyReceipt(agentId, message);
      ctx.metrics.policyReceipt(message.status);
      if (message.status === 'rejected') {
        ctx.logger.warn('agent rejected policy', { agentId, serial: message.serial, error: message.error });
      } else {
        ctx.logger.info('agent applied policy', { agentId, serial: message.serial });
      }
      return;
    case 'capabilities':
      await ctx.agents.recordCapabilities(agentId, message.capabilities);
      return;
    case 'heartbeat':
      if (message.outboxDepth !== undefined) connection.noteOutboxDepth(message.outboxDepth);
      // sentAt is the agent's clock: it refines the measured clock offset.
      await ctx.agents.heartbeat(agentId, message.sentAt);
      connection.send({ v: PROTOCOL_VERSION, type: 'heartbeat', sentAt: new Date().toISOString() });
      return;
    case 'exception-request': {
      const filed = await ctx.exceptions.fileAgentRequest(agentId, message);
      ctx.logger.info('exception requested', { agentId, exceptionId: filed.id, kind: message.target.kind });
      return;
    }
    case 'scan-status':
      if (message.state !== 'running') ctx.logger.info('agent scan ended', { agentId, scanId: message.scanId, state: message.state, files: message.progress.filesDone, flagged: message.progress.filesFlagged });
      ctx.scans?.recordStatus(agentId, message);
      return;
    case 'exception-receipt':
      if (!(await ctx.exceptions.recordReceipt(agentId, message))) {
        ctx.logger.warn('exception receipt for an unknown exception', { agentId, exceptionId: message.id });
      } else if (message.status === 'rejected') {
        ctx.logger.warn('agent rejected exception', { agentId, exceptionId: message.id, action: message.action ?? 'grant', error: message.error });
      }
      return;
  }
}
