/** Outbox depth reported by connected agents in their heartbeats. */
export interface OutboxBacklog {
  /** Sum over the agents that reported. */
  total: number;
  max: number;
  /** Connected agents that reported a depth (older agents do not). */
  reporting: number;
}

/** What the gateway reports for /metrics; the ops layer implements it, tests may ignore it. */
export interface GatewayMetrics {
  agentConnected(): void;
  /** `reason` is one of the gateway's fixed error codes. */
  agentRefused(reason: string): void;
  batchCommitted(received: number, stored: number, commitSeconds: number): void;
  eventAcked(lagSeconds: number): void;
  policyPushed(): void;
  policyReceipt(status: 'applied' | 'rejected'): void;
  exceptionPushed(): void;
}

/** Used when the console runs without metrics (unit tests of the gateway alone). */
export const NO_GATEWAY_METRICS: GatewayMetrics = {
  agentConnected: () => undefined,
  agentRefused: () => undefined,
  batchCommitted: () => undefined,
  eventAcked: () => undefined,
  policyPushed: () => undefined,
  policyReceipt: () => undefined,
  exceptionPushed: () => undefined,
};
