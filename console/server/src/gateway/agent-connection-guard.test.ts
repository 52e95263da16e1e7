import { connect as connectTcp } from 'node:net';
import { CLOSE_CODES, sampleEvent } from '@dlp/shared';
import type { LogFields, Logger } from '../logging/logger';
import { AgentPeer } from '../testing/agent-peer';
import { createMemoryLogger } from '../testing/memory-logger';
import { connectTestAgent, startTestConsole, type TestConsole } from '../testing/test-console';

/** Proves the console still serves agents: a fresh one enrolls, says hello and gets its batch acked. */
async function legitimateAgentWorks(t: TestConsole): Promise<void> {
  const { peer } = await connectTestAgent(t);
  try {
    const ack = await peer.sendEvents([sampleEvent({ seq: 1 }), sampleEvent({ seq: 2 })]);
    expect(ack.upTo).toBe(2);
  } finally {
    peer.close();
  }
}

/** Sends raw bytes on a fresh TCP connection and resolves with what came back before the close. */
function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connectTcp(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(received));
    socket.write(bytes);
  });
}

describe('agent connections: no frame stops the console', () => {
  let t: TestConsole;
  afterEach(() => t.stop());

  it('refuses the 20-byte frame that used to kill the console, and keeps serving agents', async () => {
    t = await startTestConsole();
    const frames = ['{"v":{"toString":1}}', '{"v":{"valueOf":1,"toString":1}}', '{"v":1,"type":{"toString":1}}', '{"__proto__":{"v":2}}'];
    for (const frame of frames) {
      const peer = await AgentPeer.connect(t.console.agentUrl);
      peer.sendRaw(frame);
      expect({ frame, code: await peer.closeCode() }).toEqual({ frame, code: CLOSE_CODES.badMessage });
    }
    await legitimateAgentWorks(t);
  });

  it('closes only the connection whose handling hits a bug (1011, logged), not the process', async () => {
    const memory = createMemoryLogger();
    let trapArmed = true;
    // A fault planted where every refusal goes through: the first refusal's log line throws.
    const logger: Logger = {
      ...memory,
      warn(msg: string, fields?: LogFields) {
        if (trapArmed && msg === 'agent connection refused') {
          trapArmed = false;
          throw new Error('planted fault');
        }
        memory.warn(msg, fields);
      },
    };
    t = await startTestConsole({ logger });
    const victim = await AgentPeer.connect(t.console.agentUrl);
    victim.sendRaw('{"v":1,"type":"nonsense"}');
    expect(await victim.closeCode()).toBe(1011);
    expect(memory.records).toContainEqual(expect.objectContaining({ level: 'error', msg: 'agent connection failed', stage: 'message', error: 'planted fault' }));
    await legitimateAgentWorks(t);
  });

  it('answers an upgrade whose request target URL cannot parse with 400', async () => {
    t = await startTestConsole();
    const port = Number(new URL(t.console.url).port);
    const upgrade = (target: string): string =>
      `GET ${target} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
    for (const target of ['http://[', 'http://%zz/agent', '//[::1/agent']) {
      const answer = await rawExchange(port, upgrade(target));
      expect({ target, status: answer.slice(0, 12) }).toEqual({ target, status: expect.stringMatching(/^HTTP\/1\.1 4\d\d$/) });
    }
    await legitimateAgentWorks(t);
  });
});
