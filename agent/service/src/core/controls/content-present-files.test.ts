import { chmod, chown, lstat, mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PolicyDocumentInput } from '@dlp/shared';
import { generateSigningKeyPair, type SqliteDatabase } from '@dlp/shared/node';
import type { WatchedFolderTuning } from '../../enforce/content/watched-folder-control';
import { NOBODY, runAsNobody } from '../../platform/linux/fanotify/testing/kernel-fixtures';
import { customerCsv, residentIds, writeCustomerCsv } from '../../testing/content-fixtures';
import { makeTempDir, signedPolicyFor } from '../../testing/fixtures';
import { openAgentDatabase } from '../agent-db';
import type { EventInput } from '../event-factory';
import { silentLogger } from '../logger';
import { verifyPolicy, type VerifiedPolicy } from '../policy-verifier';
import { ContentAgentControl } from './content-agent-control';

const key = generateSigningKeyPair();
let serial = 10;
const policyFor = (content: Partial<NonNullable<PolicyDocumentInput['content']>>, mode: 'monitor' | 'enforce' = 'monitor'): VerifiedPolicy => {
  const result = verifyPolicy(JSON.parse(JSON.stringify(signedPolicyFor(key, ++serial, { mode, content: { enabled: true, detectors: ['cn-resident-id'], ...content } }))), key.publicKey);
  if (!result.ok) throw new Error(result.reason);
  return result.policy;
};

/** Same length as a resident ID, fails its check: a file of these is clean, and as long as one of real IDs. */
const orderNumbers = (count: number): string[] => Array.from({ length: count }, (_, i) => `ORD${String(i).padStart(15, '0')}`);
/** Margin 0: files written by the test just before a start count as settled (one test checks the default). */
const TUNING: Partial<WatchedFolderTuning> = { stabilityMs: 200, pollMs: 50, ctimeMarginMs: 0 };

describe('watched folders: files already there when watching starts (real agent database, chokidar, files)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let dataDir: string;
  let db: SqliteDatabase | null;
  let control: ContentAgentControl | null;
  let events: EventInput[];

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('content-present'));
    dataDir = path.join(dir, 'data');
    await mkdir(dataDir, { mode: 0o700 });
    db = null;
    control = null;
    events = [];
  });
  afterEach(async () => {
    await stopAgent();
    await cleanup();
  });

  /** Starts the channel as the agent does at boot (policy first, then start) and waits for the look at present files. */
  async function startAgent(policy: VerifiedPolicy, tuning: Partial<WatchedFolderTuning> = TUNING): Promise<ContentAgentControl> {
    db = await openAgentDatabase(dataDir);
    const started = new ContentAgentControl({ dataDir, db, record: (e) => void events.push(e), log: silentLogger, tuning });
    await started.applyPolicy(policy);
    await started.start();
    control = started;
    await started.idle();
    return started;
  }

  async function stopAgent(): Promise<void> {
    await control?.stop();
    await db?.close();
    control = null;
    db = null;
  }

  const reportedPaths = (): string[] => events.flatMap((e) => (e.type === 'content' && e.subject.kind === 'file' ? [e.subject.path] : [])).sort();
  const recordCount = async (): Promise<number> => (await db?.get<{ n: number }>('SELECT COUNT(*) AS n FROM watched_file_scans'))?.n ?? -1;

  it('scans the files already in a watched folder once at start, reports bulk data, and says so in the capability notes', async () => {
    const outbound = path.join(dir, 'outbound');
    await mkdir(path.join(outbound, 'deep'), { recursive: true });
    await writeCustomerCsv(path.join(outbound, 'a.csv'), residentIds(20, 1));
    await writeCustomerCsv(path.join(outbound, 'deep', 'b.csv'), residentIds(20, 2));
    for (let i = 0; i < 5; i++) await writeCustomerCsv(path.join(outbound, `clean-${i}.csv`), orderNumbers(20));
    // A link to a customer list outside is not followed, as for files added later.
    await writeCustomerCsv(path.join(dir, 'outside.csv'), residentIds(20, 3));
    await symlink(path.join(dir, 'outside.csv'), path.join(outbound, 'link.csv'));

    const running = await startAgent(policyFor({ watchedPaths: [outbound] }));
    expect(reportedPaths()).toEqual([path.join(outbound, 'a.csv'), path.join(outbound, 'deep', 'b.csv')]);
    expect(events.every((e) => e.type === 'content' && e.action === 'would-block' && e.ruleId === 'content:bulk-pii')).toBe(true);
    expect(running.status().presentFiles).toMatchObject({ state: 'done', filesFound: 7, filesUnchanged: 0, filesQueued: 7, filesScanned: 7 });
    expect(running.capabilityNotes()).toContain('content: files already in watched folders looked at: 7 file(s) found, 0 unchanged since judged, 7 of 7 to scan scanned');
    expect(await recordCount()).toBe(7);
  });

  it('after a restart, scans nothing unchanged again and reports nothing twice', async () => {
    const outbound = path.join(dir, 'outbound');
    await mkdir(outbound);
    await writeCustomerCsv(path.join(outbound, 'a.csv'), residentIds(20, 1));
    await writeCustomerCsv(path.join(outbound, 'clean.csv'), orderNumbers(20));
    const policy = policyFor({ watchedPaths: [outbound] });
    await startAgent(policy);
    expect(reportedPaths()).toEqual([path.join(outbound, 'a.csv')]);
    await stopAgent();

    const restarted = await startAgent(policy);
    expect(restarted.status().presentFiles).toMatchObject({ state: 'done', filesFound: 2, filesUnchanged: 2, filesQueued: 0 });
    expect(reportedPaths()).toEqual([path.join(outbound, 'a.csv')]);
  });

  it('scans again a file changed while the agent was stopped, and forgets files and folders that are gone', async () => {
    const outbound = path.join(dir, 'outbound');
    const old = path.join(dir, 'old-folder');
    await mkdir(outbound);
    await mkdir(old);
    await writeCustomerCsv(path.join(outbound, 'grows.csv'), residentIds(20, 1));
    await writeCustomerCsv(path.join(outbound, 'becomes-bulk.csv'), orderNumbers(20));
    await writeCustomerCsv(path.join(outbound, 'removed.csv'), orderNumbers(20));
    await writeCustomerCsv(path.join(old, 'x.csv'), orderNumbers(20));
    await startAgent(policyFor({ watchedPaths: [outbound, old] }));
    expect(await recordCount()).toBe(4);
    await stopAgent();

    // While the agent is stopped: one list grows, one clean file gets customer data, one file is deleted.
    await writeFile(path.join(outbound, 'grows.csv'), customerCsv(residentIds(40, 1)));
    await writeCustomerCsv(path.join(outbound, 'becomes-bulk.csv'), residentIds(20, 5));
    await rm(path.join(outbound, 'removed.csv'));
    events = [];
    // …and the next policy no longer names the old folder.
    const restarted = await startAgent(policyFor({ watchedPaths: [outbound] }));
    expect(restarted.status().presentFiles).toMatchObject({ filesFound: 2, filesUnchanged: 0, filesQueued: 2 });
    expect(reportedPaths()).toEqual([path.join(outbound, 'becomes-bulk.csv'), path.join(outbound, 'grows.csv')]);
    expect(events.find((e) => e.subject.kind === 'file' && e.subject.path.endsWith('grows.csv'))?.subject).toMatchObject({ matches: { 'cn-resident-id': 40 } });
    expect(await recordCount()).toBe(2);
  });

  describe('an ordinary user (nobody) hiding a change while the agent is stopped', () => {
    let sync: string;
    let home: string;
    const asNobody = async (command: string[]): Promise<void> => {
      const outcome = await runAsNobody(command);
      if (outcome.code !== 0) throw new Error(`${command.join(' ')} failed as nobody: ${outcome.stderr}`);
    };

    beforeEach(async () => {
      sync = path.join(dir, 'Sync');
      home = path.join(dir, 'nobody-home');
      await chmod(dir, 0o755);
      for (const folder of [sync, home]) {
        await mkdir(folder);
        await chown(folder, NOBODY.uid, NOBODY.gid);
      }
      // The customer list the user wants out, readable by them, outside the watched folder.
      await writeCustomerCsv(path.join(home, 'customers.csv'), residentIds(20, 9));
      for (const name of ['notes.csv', 'other.csv']) {
        await asNobody(['/usr/bin/touch', path.join(sync, name)]);
        await writeFile(path.join(sync, name), customerCsv(orderNumbers(20)));
      }
    });

    it('a rewrite in place with the old size and mtime put back (touch -r) is scanned again: ctime gives it away', async () => {
      const notes = path.join(sync, 'notes.csv');
      const policy = policyFor({ watchedPaths: [sync] });
      await startAgent(policy);
      expect(reportedPaths()).toEqual([]);
      await stopAgent();

      const before = await lstat(notes, { bigint: true });
      await asNobody(['/usr/bin/touch', '-r', notes, path.join(home, 'stamp')]);
      await asNobody(['/bin/cp', path.join(home, 'customers.csv'), notes]);
      await asNobody(['/usr/bin/touch', '-r', path.join(home, 'stamp'), notes]);
      const after = await lstat(notes, { bigint: true });
      // What the user controls is back as it was: same inode, size and mtime; only ctime moved.
      expect([after.ino, after.size, after.mtimeNs]).toEqual([before.ino, before.size, before.mtimeNs]);
      expect(after.ctimeNs).not.toBe(before.ctimeNs);
      expect(await readFile(notes, 'utf8')).toBe(customerCsv(residentIds(20, 9)));

      await startAgent(policy);
      expect(reportedPaths()).toEqual([notes]);
    });

    it('a file replaced by a rename, its mtime and size matching the old one, is scanned again: a new inode', async () => {
      const other = path.join(sync, 'other.csv');
      const policy = policyFor({ watchedPaths: [sync] });
      await startAgent(policy);
      await stopAgent();

      const staged = path.join(home, 'staged.csv');
      await asNobody(['/bin/cp', path.join(home, 'customers.csv'), staged]);
      await asNobody(['/usr/bin/touch', '-r', other, staged]);
      await asNobody(['/bin/mv', staged, other]);
      const replaced = await lstat(other);
      expect(replaced.size).toBe(Buffer.byteLength(customerCsv(orderNumbers(20))));

      await startAgent(policy);
      expect(reportedPaths()).toEqual([other]);
      expect(events[0]).toMatchObject({ uid: NOBODY.uid });
    });
  });

  it('scans the files of a folder a new policy adds, and not again those of the folder already watched', async () => {
    const first = path.join(dir, 'first');
    const added = path.join(dir, 'added');
    await mkdir(first);
    await mkdir(added);
    await writeCustomerCsv(path.join(first, 'a.csv'), residentIds(20, 1));
    await writeCustomerCsv(path.join(added, 'b.csv'), residentIds(20, 2));
    await writeCustomerCsv(path.join(added, 'c.csv'), residentIds(20, 3));
    const running = await startAgent(policyFor({ watchedPaths: [first] }));
    expect(reportedPaths()).toEqual([path.join(first, 'a.csv')]);

    await running.applyPolicy(policyFor({ watchedPaths: [first, added] }));
    await running.idle();
    expect(running.status().presentFiles).toMatchObject({ state: 'done', filesFound: 3, filesUnchanged: 1, filesQueued: 2 });
    expect(reportedPaths()).toEqual([path.join(added, 'b.csv'), path.join(added, 'c.csv'), path.join(first, 'a.csv')]);
  });

  it('judges the present files again when the policy changes the criteria (a lower threshold)', async () => {
    const outbound = path.join(dir, 'outbound');
    await mkdir(outbound);
    await writeCustomerCsv(path.join(outbound, 'fifteen.csv'), residentIds(15, 1));
    const running = await startAgent(policyFor({ watchedPaths: [outbound], minDistinct: 20 }));
    expect(reportedPaths()).toEqual([]);
    await running.applyPolicy(policyFor({ watchedPaths: [outbound], minDistinct: 10 }));
    await running.idle();
    expect(reportedPaths()).toEqual([path.join(outbound, 'fifteen.csv')]);
    // A new serial with the same criteria starts no new look, and reports nothing again.
    const look = running.status().presentFiles;
    await running.applyPolicy(policyFor({ watchedPaths: [outbound], minDistinct: 10 }));
    await running.idle();
    expect(running.status().presentFiles).toEqual(look);
    expect(reportedPaths()).toHaveLength(1);
  });

  it('quarantines a file that was already there in enforce mode, as it does a new one', async () => {
    const outbound = path.join(dir, 'outbound');
    await mkdir(outbound);
    const file = path.join(outbound, 'export.csv');
    await writeCustomerCsv(file, residentIds(20, 1));
    const policy = policyFor({ watchedPaths: [outbound], action: 'quarantine' }, 'enforce');
    await startAgent(policy);
    expect(events).toEqual([expect.objectContaining({ type: 'content', action: 'blocked', ruleId: 'content:quarantined' })]);
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await recordCount()).toBe(0);
    await stopAgent();
    await startAgent(policy);
    expect(events).toHaveLength(1);
  });

  it('scans a file changed just before its scan again at the next start (coarse ctime), without reporting it twice', async () => {
    const outbound = path.join(dir, 'outbound');
    await mkdir(outbound);
    await writeCustomerCsv(path.join(outbound, 'fresh.csv'), residentIds(20, 1));
    const policy = policyFor({ watchedPaths: [outbound] });
    // The default margin (2 s): the file was written a moment ago, so its version is not trusted yet.
    await startAgent(policy, { ...TUNING, ctimeMarginMs: 2000 });
    await stopAgent();
    const restarted = await startAgent(policy, { ...TUNING, ctimeMarginMs: 2000 });
    expect(restarted.status().presentFiles).toMatchObject({ filesFound: 1, filesUnchanged: 0, filesQueued: 1 });
    expect(reportedPaths()).toEqual([path.join(outbound, 'fresh.csv')]);
  });

  it('scans 2,000 files already there, all of them, through the bounded queue: never more waiting or running than its bounds', async () => {
    const outbound = path.join(dir, 'outbound');
    const bulk = new Set<string>();
    for (let d = 0; d < 20; d++) {
      const folder = path.join(outbound, `d${d}`);
      await mkdir(folder, { recursive: true });
      for (let f = 0; f < 100; f++) {
        const file = path.join(folder, `f${f}.csv`);
        if (f === 50) {
          bulk.add(file);
          await writeCustomerCsv(file, residentIds(10, d + 1));
        } else {
          await writeFile(file, `order,${d},${f}\n`);
        }
      }
    }
    db = await openAgentDatabase(dataDir);
    const running = new ContentAgentControl({ dataDir, db, record: (e) => void events.push(e), log: silentLogger, tuning: { ...TUNING, maxPending: 100, concurrency: 2 } });
    control = running;
    await running.applyPolicy(policyFor({ watchedPaths: [outbound] }));
    await running.start();
    const peak = { waiting: 0, running: 0 };
    let idle = false;
    const done = running.idle().then(() => (idle = true));
    while (!idle) {
      const { queue } = running.status();
      peak.waiting = Math.max(peak.waiting, queue.waiting);
      peak.running = Math.max(peak.running, queue.running);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await done;

    expect(running.status().presentFiles).toMatchObject({ state: 'done', filesFound: 2000, filesQueued: 2000, filesScanned: 2000 });
    expect(reportedPaths()).toEqual([...bulk].sort());
    expect(await recordCount()).toBe(2000);
    // The walk waits while half the queue is taken; no file was dropped (that would be an `agent` notice).
    expect(events.filter((e) => e.type === 'agent')).toEqual([]);
    expect(peak.waiting).toBeLessThanOrEqual(50);
    expect(peak.running).toBeLessThanOrEqual(2);
    expect(peak.running).toBeGreaterThan(0);
  }, 120_000);
});
