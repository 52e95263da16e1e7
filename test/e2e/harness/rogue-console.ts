import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { agentToConsoleMessage, decodeFrame, PROTOCOL_VERSION, type AgentToConsoleMessage, type SignedGroupAssignment, type SignedPolicy } from '@dlp/shared';

/** Stands in for a compromised network path: a ws server on the console's port pushing what a test wants. */
export class RogueConsole {
  readonly received: AgentToConsoleMessage[] = [];
  private socket: WebSocket | undefined;
  private constructor(readonly server: WebSocketServer) {
    server.on('connection', (ws) => {
      this.socket = ws;
      ws.on('message', (data) => {
        const decoded = decodeFrame(agentToConsoleMessage, String(data));
        if (!decoded.ok) return;
        this.received.push(decoded.message);
        if (decoded.message.type === 'hello') {
          ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'welcome', serverTime: new Date().toISOString(), ackedSeq: 0 }));
        }
      });
    });
  }
  static async listen(port: number): Promise<RogueConsole> {
    const server = new WebSocketServer({ host: '127.0.0.1', port, path: '/agent' });
    await new Promise((resolve) => server.once('listening', resolve));
    if ((server.address() as AddressInfo).port !== port) throw new Error(`rogue console not on port ${port}`);
    return new RogueConsole(server);
  }
  connected(): boolean {
    return this.socket !== undefined && this.received.some((m) => m.type === 'hello');
  }
  push(policy: SignedPolicy): void {
    this.socket?.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'policy', policy }));
  }
  pushAssignment(assignment: SignedGroupAssignment): void {
    this.socket?.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'group-assignment', assignment }));
  }
  receipts() {
    return this.received.filter((m) => m.type === 'policy-receipt');
  }
  close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
