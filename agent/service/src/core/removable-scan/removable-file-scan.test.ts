import { execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FileQuarantine } from '../../enforce/content/file-quarantine';
import { residentIds, writeCustomerCsv } from '../../testing/content-fixtures';
import { makeTempDir } from '../../testing/fixtures';
import { removableEventOf } from './removable-event';
import { scanRemovableFile, type RemovableScanDeps } from './removable-file-scan';
import type { RemovablePolicy } from './removable-policy';

const policy = (overrides: Partial<RemovablePolicy> = {}): RemovablePolicy => ({ serial: 3, mode: 'enforce', detectors: ['cn-resident-id'], minDistinct: 10, action: 'report', ...overrides });

describe('scanRemovableFile: one file written onto removable media', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let quarantineDir: string;
  const deps = (overrides: Partial<RemovableScanDeps> = {}): RemovableScanDeps => ({
    policy: policy(),
    limits: { maxBytes: 1024 * 1024, maxTimeMs: 10_000 },
    maxHashBytes: 1024 ** 3,
    quarantine: new FileQuarantine(quarantineDir),
    alreadyJudged: () => false,
    active: () => true,
    onRemovableMedia: () => true,
    ...overrides,
  });

  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('removable-scan'));
    quarantineDir = path.join(dir, 'data', 'quarantine');
  });
  afterEach(() => cleanup());

  it('reports bulk customer data with size, hash, counts and redacted samples only; the file stays', async () => {
    const file = path.join(dir, '客户.csv');
    const ids = residentIds(12);
    await writeCustomerCsv(file, ids);
    const result = await scanRemovableFile(file, deps());
    expect(result).toMatchObject({ kind: 'finding', finding: { verdict: 'bulk', outcome: 'reported', size: (await stat(file)).size, matches: { 'cn-resident-id': 12 }, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    const event = removableEventOf(result.kind === 'finding' ? result.finding : (undefined as never));
    expect(event).toMatchObject({ type: 'content', action: 'would-block', ruleId: 'content:bulk-pii', subject: { channel: 'removable-media', size: (await stat(file)).size } });
    const text = JSON.stringify(event);
    for (const id of ids) expect(text.includes(id)).toBe(false);
    expect(event.subject.kind === 'file' && event.subject.samples.every((s) => s.includes('*'))).toBe(true);
    await expect(stat(file)).resolves.toBeTruthy();
  });

  it('leaves a file under the threshold, an empty file, a FIFO and a symbolic link alone', async () => {
    const few = path.join(dir, 'few.csv');
    await writeCustomerCsv(few, residentIds(9));
    expect(await scanRemovableFile(few, deps({ policy: policy({ action: 'delete' }) }))).toMatchObject({ kind: 'clean' });
    await expect(stat(few)).resolves.toBeTruthy();
    const empty = path.join(dir, 'empty.csv');
    await writeFile(empty, '');
    expect(await scanRemovableFile(empty, deps())).toMatchObject({ kind: 'clean' });
    const fifo = path.join(dir, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    // Opened without blocking (nobody writes to it), and refused as not a regular file.
    expect(await scanRemovableFile(fifo, deps())).toEqual({ kind: 'skipped', reason: 'not-a-regular-file' });
    const link = path.join(dir, 'link.csv');
    await symlink(few, link);
    expect(await scanRemovableFile(link, deps())).toEqual({ kind: 'skipped', reason: 'symlink' });
  });

  it('deletes the copy in enforce mode, quarantines it with its hash recorded, and only reports in monitor mode', async () => {
    const ids = residentIds(15);
    const deleted = path.join(dir, 'deleted.csv');
    await writeCustomerCsv(deleted, ids);
    const del = await scanRemovableFile(deleted, deps({ policy: policy({ action: 'delete' }) }));
    expect(del).toMatchObject({ kind: 'finding', finding: { outcome: 'deleted' } });
    expect(del.kind === 'finding' && removableEventOf(del.finding)).toMatchObject({ action: 'blocked', ruleId: 'content:deleted' });
    await expect(stat(deleted)).rejects.toMatchObject({ code: 'ENOENT' });

    const moved = path.join(dir, 'moved.csv');
    await writeCustomerCsv(moved, ids);
    const q = await scanRemovableFile(moved, deps({ policy: policy({ action: 'quarantine' }) }));
    expect(q).toMatchObject({ kind: 'finding', finding: { outcome: 'quarantined', quarantineName: expect.stringContaining('moved.csv') } });
    await expect(stat(moved)).rejects.toMatchObject({ code: 'ENOENT' });
    const sidecarName = (await readdir(quarantineDir)).find((n) => n.endsWith('.json')) ?? '';
    const sidecar = JSON.parse(await readFile(path.join(quarantineDir, sidecarName), 'utf8')) as { sha256: string; originalPath: string };
    expect(sidecar).toMatchObject({ originalPath: moved, sha256: q.kind === 'finding' ? q.finding.sha256 : '' });
    expect((await stat(quarantineDir)).mode & 0o777).toBe(0o700);

    const kept = path.join(dir, 'kept.csv');
    await writeCustomerCsv(kept, ids);
    expect(await scanRemovableFile(kept, deps({ policy: policy({ action: 'delete', mode: 'monitor' }) }))).toMatchObject({ kind: 'finding', finding: { outcome: 'reported' } });
    await expect(stat(kept)).resolves.toBeTruthy();
  });

  it('quarantines from another file system (the stick is never the data folder’s): copied exactly, then removed', async () => {
    const media = await mkdtemp('/dev/shm/dlp-removable-media-');
    try {
      const file = path.join(media, 'copy.csv');
      await writeCustomerCsv(file, residentIds(11));
      const content = await readFile(file, 'utf8');
      expect((await stat(media)).dev).not.toBe((await stat(dir)).dev);
      const result = await scanRemovableFile(file, deps({ policy: policy({ action: 'quarantine' }) }));
      expect(result).toMatchObject({ kind: 'finding', finding: { outcome: 'quarantined' } });
      await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
      const name = result.kind === 'finding' ? (result.finding.quarantineName ?? '') : '';
      expect(await readFile(path.join(quarantineDir, name), 'utf8')).toBe(content);
      expect((await stat(path.join(quarantineDir, name))).mode & 0o777).toBe(0o600);
    } finally {
      await rm(media, { recursive: true, force: true });
    }
  });

  it('acts only on a file on a watched stick: a stick folder swapped for a symbolic link cannot aim it at a file elsewhere', async () => {
    // The close was on the stick (/dev/shm here); before the scan, the user replaced the folder the
    // file was in with a link to a folder off the stick holding a customer list of someone else's.
    const media = await mkdtemp('/dev/shm/dlp-removable-media-');
    try {
      const stickDev = (await stat(media)).dev;
      const elsewhere = path.join(dir, 'elsewhere');
      await mkdir(elsewhere);
      await writeCustomerCsv(path.join(elsewhere, 'list.csv'), residentIds(15));
      await symlink(elsewhere, path.join(media, 'exports'));
      const onStick = deps({ policy: policy({ action: 'delete' }), onRemovableMedia: (dev) => dev === stickDev });
      expect(await scanRemovableFile(path.join(media, 'exports', 'list.csv'), onStick)).toEqual({ kind: 'skipped', reason: 'not-on-removable-media' });
      await expect(stat(path.join(elsewhere, 'list.csv'))).resolves.toBeTruthy();

      // The same list really on the stick is deleted.
      await writeCustomerCsv(path.join(media, 'list.csv'), residentIds(15));
      expect(await scanRemovableFile(path.join(media, 'list.csv'), onStick)).toMatchObject({ kind: 'finding', finding: { outcome: 'deleted' } });
    } finally {
      await rm(media, { recursive: true, force: true });
    }
  });

  it('says a file changed while it was read, and deletes nothing then', async () => {
    const file = path.join(dir, 'growing.csv');
    await writeCustomerCsv(file, residentIds(20));
    // The writer appends after the scan took the file's version and before it finished reading.
    const result = await scanRemovableFile(file, deps({ policy: policy({ action: 'delete' }), alreadyJudged: () => (appendFileSync(file, 'more,rows\n'), false) }));
    expect(result).toMatchObject({ kind: 'changed', finding: { verdict: 'changed', matches: { 'cn-resident-id': 20 } } });
    expect(result.kind === 'changed' && removableEventOf(result.finding)).toMatchObject({ action: 'info', ruleId: 'content:unreadable:changed-while-scanned' });
    await expect(stat(file)).resolves.toBeTruthy();
  });

  it('stops reading a huge sparse file at the byte limit and reports it unreadable, without a hash past maxHashBytes', async () => {
    const file = path.join(dir, 'huge.csv');
    // More than the 8 KiB the format is told from, so the hole after it is read as text (NUL bytes).
    await writeFile(file, `${'备注,'.repeat(4096)}\n`);
    execFileSync('truncate', ['-s', '8G', file]);
    const result = await scanRemovableFile(file, deps({ maxHashBytes: 1024 * 1024 }));
    expect(result).toMatchObject({ kind: 'finding', finding: { verdict: 'unreadable', unreadable: 'limit-exceeded:max-bytes', size: 8 * 1024 ** 3 } });
    expect(result.kind === 'finding' && result.finding.sha256).toBeUndefined();
  });
});
