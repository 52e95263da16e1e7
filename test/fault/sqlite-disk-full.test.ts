import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { enrollAgent } from '../../console/server/src/testing/agent-peer';
import { createEnrollSecret, startTestConsole, type TestConsole } from '../../console/server/src/testing/test-console';
import { waitFor } from '../../console/server/src/testing/wait-for';
import { mountTmpfs } from '../e2e/harness/tmpfs';
import { OutboxAgent } from './harness/outbox-agent';

// Issue 13 item 2 on SQLite: the data dir's file system fills up during ingest (a real tmpfs, so
// SQLite gets a real ENOSPC → SQLITE_FULL). /readyz must say so while full and recover after space
// is freed; no acked event may be lost. Mounts: run as `flock /tmp/dlp-kernel.lock npx jest <this file>`.

const AGENTS = 5;

/** Writes zeros into `file` until the file system refuses (ENOSPC). */
function fillUp(file: string): void {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
}

async function readyz(t: TestConsole): Promise<{ status: number; checks: Record<string, string> }> {
  const res = await fetch(`${t.console.url}/readyz`);
  return { status: res.status, checks: ((await res.json()) as { checks: Record<string, string> }).checks };
}

describe('SQLite data dir on a full disk (tmpfs)', () => {
  const mountPoint = mkdtempSync(path.join(tmpdir(), 'dlp-disk-full-'));
  let unmount: (() => void) | undefined;
  let t: TestConsole | undefined;
  const agents: OutboxAgent[] = [];

  beforeAll(() => {
    unmount = mountTmpfs(mountPoint, 64);
  });

  afterAll(async () => {
    for (const agent of agents) agent.stop();
    await t?.console.close();
    unmount?.();
    rmSync(mountPoint, { recursive: true, force: true });
  });

  it('says not ready while the disk is full, ready after space is freed, and loses no acked event', async () => {
    const dataDir = path.join(mountPoint, 'console');
    t = await startTestConsole({ dataDir });
    const secret = await createEnrollSecret(t.admin);
    for (let i = 0; i < AGENTS; i++) {
      const creds = await enrollAgent(t.console.agentUrl, secret);
      agents.push(new OutboxAgent({ agentUrl: t.console.agentUrl, creds, batch: 50, retryMs: 100 }));
    }
    for (const agent of agents) agent.start();
    await waitFor('ingest under way', () => agents.every((a) => a.ackTimes.length >= 3), 30_000);
    expect((await readyz(t)).status).toBe(200);

    const filler = path.join(mountPoint, 'filler');
    fillUp(filler);
    const full = await waitFor('/readyz to report the full disk', async () => {
      const r = await readyz(t as TestConsole);
      return r.status === 503 ? r : undefined;
    }, 30_000);
    expect(full.checks.writes).toBe('disk_full');
    // Still full: still not ready (the probe needs free space, not just one small write that fits).
    expect(await fetch(`${t.console.url}/healthz`).then((r) => r.status)).toBe(200);
    expect((await readyz(t)).checks.writes).toBe('disk_full');

    rmSync(filler);
    await waitFor('/readyz ready once space is freed', async () => (await readyz(t as TestConsole)).status === 200, 30_000);

    let allAcked = false;
    void Promise.all(agents.map((a) => a.finished)).then(() => (allAcked = true));
    for (const agent of agents) agent.finish();
    await waitFor('every event acked', () => allAcked, 60_000);
    for (const agent of agents) agent.stop();
    await t.console.close();

    const db = new Database(path.join(dataDir, 'console.sqlite'), { readonly: true });
    try {
      for (const agent of agents) {
        const row = db.prepare('SELECT count(*) AS rows, count(DISTINCT seq) AS seqs, max(seq) AS maxSeq FROM events WHERE agent_id = ?').get(agent.agentId);
        expect(row).toEqual({ rows: agent.producedCount, seqs: agent.producedCount, maxSeq: agent.producedCount });
        expect(agent.ackedUpTo).toBe(agent.producedCount);
      }
    } finally {
      db.close();
    }
  }, 180_000);
});
