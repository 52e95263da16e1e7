import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { agentScanList, createPiiGenerator, type AgentScan } from '@dlp/shared';
import { Fleet, waitFor } from './harness/fleet';

/** Every file under `dir`, recursively, as text. */
function contentsUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => readFileSync(path.join(e.parentPath, e.name), 'latin1'));
}

// Issue 16 item 3: an officer asks an agent to scan a folder for customer data at rest. Real
// console and agent processes from dist/: the request goes over the agent's ws link, the agent scans
// as root in its worker, reports the scan's state, and the list it found arrives as a content event.
describe('end to end: the console asks an agent to scan a folder', () => {
  const fleet = new Fleet();
  beforeAll(() => fleet.start(), 60_000);
  afterAll(() => fleet.stop());

  const scans = async (): Promise<AgentScan[]> => agentScanList.parse((await fleet.admin.json('GET', `/api/v1/agents/${fleet.agentId}/scans`)).body).items;

  it('reports the scan done with its counts, and the customer list as a content event with redacted samples only', async () => {
    await fleet.publishDefault({ schema: 'dlp.policy/v1', name: 'Default', mode: 'monitor', content: { detectors: ['cn-resident-id'], minDistinct: 10 } });
    const share = path.join(fleet.root, 'share');
    mkdirSync(path.join(share, 'old'), { recursive: true });
    const pii = createPiiGenerator(16);
    const ids = [...new Set(Array.from({ length: 30 }, () => pii.residentId()))].slice(0, 25);
    const list = path.join(share, 'old', '客户导出.csv');
    writeFileSync(list, ['姓名,身份证号', ...ids.map((id, i) => `客户${i},${id}`)].join('\n'));
    writeFileSync(path.join(share, 'readme.txt'), 'nothing here\n');

    const asked = await fleet.admin.json<{ scan: AgentScan }>('POST', `/api/v1/agents/${fleet.agentId}/scans`, { path: share });
    expect(asked.status).toBe(202);
    const done = await waitFor('the scan to finish', async () => {
      const scan = (await scans()).find((s) => s.id === asked.body.scan.id);
      return scan?.state === 'done' ? scan : undefined;
    });
    expect(done).toMatchObject({ path: share, requestedBy: 'admin', progress: { phase: 'finished', filesFound: 2, filesDone: 2, filesFlagged: 1 } });

    const events = await waitFor('the content event', async () => {
      const found = await fleet.events(`agentId=${fleet.agentId}&type=content`);
      return found.length > 0 ? found : undefined;
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'info', ruleId: 'content:bulk-pii', subject: { kind: 'file', path: list, channel: 'scan', matches: { 'cn-resident-id': 25 }, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    // Why it was reported, as on the other channels: the threshold it was judged by and the confidence over it.
    expect(events[0]?.subject).toMatchObject({ minDistinct: expect.any(Number), confidence: expect.any(Number) });
    expect(events[0]?.subject.kind === 'file' && events[0].subject.samples).toHaveLength(5);

    // A path that is not there: the agent refuses, and says why.
    const missing = await fleet.admin.json<{ scan: AgentScan }>('POST', `/api/v1/agents/${fleet.agentId}/scans`, { path: path.join(share, 'gone') });
    expect(missing.status).toBe(202);
    const refused = await waitFor('the refusal', async () => {
      const scan = (await scans()).find((s) => s.id === missing.body.scan.id);
      return scan?.state === 'refused' ? scan : undefined;
    });
    expect(refused.error).toContain('does not exist');

    // The raw IDs stayed on the workstation's file: not in the console's or the agent's data, events or logs.
    const haystacks = [JSON.stringify(events), JSON.stringify(await scans()), fleet.console.stderr(), fleet.agent.stderr(), ...contentsUnder(fleet.consoleDir), ...contentsUnder(fleet.agentDir)];
    for (const id of ids) for (const haystack of haystacks) expect(haystack.includes(id)).toBe(false);
  });
});
