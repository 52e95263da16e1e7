import { request } from 'node:http';
import WebSocket from 'ws';
import { AgentPeer } from '../testing/agent-peer';
import { startTestConsole, type TestConsole } from '../testing/test-console';
import { waitFor } from '../testing/wait-for';

/** Integration: a real console whose gateway sheds handshakes beyond a small limit (agents reconnecting after an outage). */

/** The answer to a ws upgrade request: its status and Retry-After (the ws client gives up on a non-101). */
function upgrade(agentUrl: string): Promise<{ status: number; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const url = new URL(agentUrl.replace(/^ws/, 'http'));
    const req = request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' },
    });
    req.on('response', (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] });
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, retryAfter: undefined });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('gateway load shedding', () => {
  let t: TestConsole;
  const peers: AgentPeer[] = [];

  beforeEach(async () => {
    t = await startTestConsole({ gateway: { maxPendingHandshakes: 2 } });
  });

  afterEach(async () => {
    for (const peer of peers.splice(0)) peer.close();
    await t.stop();
  });

  it('answers 503 with a short Retry-After while too many connections are in their handshake, and takes new ones once they are through', async () => {
    // Two connections that never say hello: both still in their handshake.
    peers.push(await AgentPeer.connect(t.console.agentUrl), await AgentPeer.connect(t.console.agentUrl));
    const shed = await upgrade(t.console.agentUrl);
    expect(shed.status).toBe(503);
    expect(Number(shed.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(shed.retryAfter)).toBeLessThanOrEqual(3);

    for (const peer of peers.splice(0)) peer.close();
    await waitFor('room for a new connection', async () => (await upgrade(t.console.agentUrl)).status === 101);
    const ws = new WebSocket(t.console.agentUrl);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.terminate();
  });
});
