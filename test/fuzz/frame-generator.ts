import { randomUUID } from 'node:crypto';
import { LIMITS, PROTOCOL_VERSION, sampleEvent, uuidv7 } from '@dlp/shared';
import type { SeededRandom } from './seeded-random';
import { invalidUtf8, mutateText, mutateValue, type Json } from './value-mutator';

/** One ws frame to send: its bytes, text or binary. */
export interface FuzzFrame {
  data: string | Buffer;
  binary: boolean;
}

const AGENT_INFO = { hostname: 'fuzz-ws', os: 'linux', osVersion: '6.1', agentVersion: '0.1.0', user: 'fuzz' };

const CAPABILITIES = {
  apps: { method: 'proc-scan', preExec: false, failMode: 'open' },
  usb: { method: 'none', mountGuard: false },
  screen: { captureToolBlocking: false, windowCaptureExclusion: false },
  notes: ['fuzz'],
};

/** Valid agent → console messages, one per type, as seeds for the mutator. */
function validMessage(rng: SeededRandom, creds: { agentId: string; token: string } | undefined, seq: number): Json {
  const v = PROTOCOL_VERSION;
  switch (rng.int(8)) {
    case 0:
      return { v, type: 'hello', agentId: creds?.agentId ?? uuidv7(), token: creds?.token ?? 'A'.repeat(43), agent: AGENT_INFO, policySerial: null };
    case 1:
      return { v, type: 'enroll', secret: `fuzz-secret-${randomUUID()}`, agent: AGENT_INFO };
    case 2: {
      const count = 1 + rng.int(3);
      return { v, type: 'events', events: Array.from({ length: count }, (_, i) => sampleEvent({ seq: seq + i })) as unknown as Json };
    }
    case 3:
      return { v, type: 'heartbeat', sentAt: new Date().toISOString(), outboxDepth: rng.int(100) };
    case 4:
      return { v, type: 'policy-receipt', serial: 1 + rng.int(5), hash: 'b'.repeat(64), status: rng.pick(['applied', 'rejected']), error: 'fuzz' };
    case 5:
      return { v, type: 'capabilities', capabilities: CAPABILITIES };
    case 6:
      return {
        v,
        type: 'exception-request',
        requestId: uuidv7(),
        target: { kind: 'app', sha256: 'c'.repeat(64), exePath: '/opt/fuzz/tool' },
        justification: 'fuzzing the console',
        requestedMinutes: 1 + rng.int(60),
        user: 'fuzz',
      };
    default:
      return { v, type: 'exception-receipt', id: uuidv7(), status: 'applied', action: 'grant' };
  }
}

/**
 * The next hostile frame: a valid message (with `creds` when the connection said hello), mutated
 * structurally and/or as text, sometimes as invalid UTF-8, binary, or over the size limit.
 * About 1 in 8 frames stays valid so handlers past the decoder are exercised too.
 */
export function nextFrame(rng: SeededRandom, creds: { agentId: string; token: string } | undefined, seq: number): FuzzFrame {
  if (rng.chance(0.0005)) {
    return { data: Buffer.alloc(LIMITS.maxMessageBytes + 1 + rng.int(1000), 0x20), binary: rng.chance(0.5) };
  }
  let value = validMessage(rng, creds, seq);
  const roll = rng.next();
  if (roll < 0.125) return { data: JSON.stringify(value), binary: false };
  const mutations = 1 + rng.int(3);
  for (let i = 0; i < mutations; i++) value = mutateValue(value, rng);
  let text = JSON.stringify(value);
  if (rng.chance(0.3)) text = mutateText(text, rng);
  if (rng.chance(0.05)) return { data: invalidUtf8(text, rng), binary: rng.chance(0.5) };
  const binary = rng.chance(0.1);
  return { data: binary ? Buffer.from(text, 'utf8') : text, binary };
}
