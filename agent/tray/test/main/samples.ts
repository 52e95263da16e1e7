import { agentStatus, blockNotice, uuidv7, type AgentStatus, type BlockNotice } from '@dlp/shared';

/** A schema-valid AgentStatus (parsed, so a sample that drifts from the schema fails loudly). */
export function sampleStatus(overrides: Partial<AgentStatus> = {}): AgentStatus {
  return agentStatus.parse({
    protection: 'protected',
    console: 'connected',
    policy: { serial: 7, name: 'Finance desks', mode: 'enforce' },
    controls: [{ control: 'apps', state: 'enforced' }],
    watermark: { enabled: false, text: '', opacity: 0.1 },
    blockScreenCapture: false,
    notice: { message: 'Ask the helpdesk', helpUrl: 'https://help.example.com/dlp' },
    host: 'ws-01',
    agentVersion: '0.1.0',
    peer: { uid: 1000, name: 'zhangsan', privileged: false },
    ...overrides,
  });
}

let sequence = 0;

/** A schema-valid block notice of a program (or the given type/action). */
export function sampleBlock(overrides: Partial<BlockNotice> = {}): BlockNotice {
  sequence += 1;
  return blockNotice.parse({
    eventId: uuidv7(Date.now() + sequence),
    occurredAt: new Date().toISOString(),
    type: 'app',
    action: 'blocked',
    what: `/usr/bin/tool-${sequence}`,
    ruleId: null,
    reason: 'Unapproved file-sharing tool',
    policySerial: 7,
    user: 'zhangsan',
    ...overrides,
  });
}
