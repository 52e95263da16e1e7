import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { agentScanList, PROTOCOL_VERSION } from '@dlp/shared';
import { helloAgent, type AgentPeer } from '../testing/agent-peer';
import { dropTestSchema, randomSchemaName, TEST_DATABASE_URL } from '../testing/postgres-schema';
import { RestClient } from '../testing/rest-client';
import { createEnrollSecret, startTestConsole, TEST_ADMIN_PASSWORD, type TestConsole } from '../testing/test-console';
import { enrollAgent } from '../testing/agent-peer';
import { waitFor } from '../testing/wait-for';

// Two console nodes on one PostgreSQL schema: the scan is asked on node A, the agent is connected
// to node B. The request must reach the agent through B, and its reports must show on A.
describe('a console-requested scan across two nodes (PostgreSQL)', () => {
  let schema: string;
  let a: TestConsole;
  let b: TestConsole;
  let peer: AgentPeer | undefined;

  beforeEach(async () => {
    schema = randomSchemaName('dlp_scan');
    const options = { databaseUrl: TEST_DATABASE_URL, databaseSchema: schema };
    a = await startTestConsole({ ...options, nodeId: 'node-a' });
    const dirB = mkdtempSync(path.join(tmpdir(), 'dlp-console-b-'));
    mkdirSync(path.join(dirB, 'keys'), { mode: 0o700 });
    cpSync(path.join(a.dataDir, 'keys', 'signing.pem'), path.join(dirB, 'keys', 'signing.pem'));
    b = await startTestConsole({ ...options, nodeId: 'node-b', dataDir: dirB });
  });
  afterEach(async () => {
    peer?.close();
    await b.stop();
    await a.stop();
    await dropTestSchema(schema);
  });

  it('reaches the agent through the node it is connected to, and its reports show on the node that asked', async () => {
    const creds = await enrollAgent(b.console.agentUrl, await createEnrollSecret(a.admin));
    peer = await helloAgent(b.console.agentUrl, creds);
    const asked = await a.admin.json<{ scan: { id: string } }>('POST', `/api/v1/agents/${creds.agentId}/scans`, { path: '/home/shared' });
    expect(asked.status).toBe(202);
    const request = await peer.next('scan-request');
    expect(request).toMatchObject({ scanId: asked.body.scan.id, path: '/home/shared', requestedBy: 'admin' });

    const progress = { phase: 'finished', filesFound: 3, filesDone: 3, bytesFound: 30, bytesDone: 30, filesFlagged: 1, filesBelowThreshold: 0, filesUnreadable: 0, skipped: { symlinks: 0, denied: 0, special: 0, excluded: 0 }, fileLimitReached: false };
    peer.send({ v: PROTOCOL_VERSION, type: 'scan-status', scanId: request.scanId, path: request.path, state: 'done', progress, at: new Date().toISOString() });
    const onA = await waitFor('the report on node A', async () => {
      const [scan] = agentScanList.parse((await a.admin.json('GET', `/api/v1/agents/${creds.agentId}/scans`)).body).items;
      return scan?.state === 'done' ? scan : undefined;
    });
    expect(onA).toMatchObject({ id: request.scanId, requestedBy: 'admin', progress: { filesFlagged: 1 } });
    // Node B knows it too (it heard the request from A and the report from the agent).
    const adminOnB = new RestClient(b.console.url);
    expect((await adminOnB.login('admin', TEST_ADMIN_PASSWORD)).status).toBe(200);
    expect(agentScanList.parse((await adminOnB.json('GET', `/api/v1/agents/${creds.agentId}/scans`)).body).items[0]).toMatchObject({ id: request.scanId, state: 'done', requestedBy: 'admin' });
  });
});
