import { uuidv7 } from './ids';
import type { AgentEvent } from './schemas/event';

/** A valid `blocked` app event for tests and benchmarks; override any field. */
export function sampleEvent(overrides: Partial<AgentEvent> = {}): AgentEvent {
  return {
    id: uuidv7(),
    seq: 1,
    occurredAt: new Date().toISOString(),
    type: 'app',
    action: 'blocked',
    severity: 'medium',
    user: 'alice',
    host: 'ws-001',
    ruleId: 'block-tool',
    policySerial: 1,
    subject: {
      kind: 'process',
      pid: 4242,
      ppid: 1,
      uid: 1000,
      exePath: '/tmp/tool',
      name: 'tool',
      sha256: 'a'.repeat(64),
      method: 'proc-scan',
    },
    ...overrides,
  };
}
