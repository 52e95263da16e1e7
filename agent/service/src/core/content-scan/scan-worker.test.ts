import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { residentIds, writeCustomerCsv } from '../../testing/content-fixtures';
import { makeTempDir } from '../../testing/fixtures';
import { runScanWorker } from './scan-worker';
import { workerLine, type ScanJob, type WorkerLine } from './scan-worker-protocol';

/** Runs the worker in this process (as whoever runs the tests: `runAs` stays null) and collects its lines. */
async function run(job: unknown): Promise<{ code: number; lines: WorkerLine[]; raw: string }> {
  const input = new PassThrough();
  const output = new PassThrough();
  let raw = '';
  output.on('data', (chunk: Buffer) => (raw += chunk.toString()));
  input.end(`${JSON.stringify(job)}\n`);
  const code = await runScanWorker(input, output, { oomScoreAdj: null });
  return { code, raw, lines: raw.trim().split('\n').map((l) => workerLine.parse(JSON.parse(l))) };
}

const baseJob = (p: string): ScanJob => ({
  path: p,
  runAs: null,
  detectors: ['cn-resident-id', 'cn-mobile', 'email'],
  minDistinct: 10,
  maxFiles: 1000,
  limits: { maxBytes: 64 * 1024 },
  maxHashBytes: 1024 ** 3,
  excluded: ['/proc'],
  progressEveryMs: 1,
});

describe('the scan worker (in process, no identity change)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await makeTempDir('scan-worker'));
  });
  afterEach(() => cleanup());

  it('reports bulk files with counts, a hash and redacted samples, files below the threshold, and files over the size limit', async () => {
    const ids = residentIds(20);
    await mkdir(path.join(dir, 'sub'));
    await writeCustomerCsv(path.join(dir, 'customers.csv'), ids);
    await writeFile(path.join(dir, 'sub/contact.txt'), '手机 13812345678, mail zhang@example.com\n');
    await writeFile(path.join(dir, 'sub/clean.txt'), 'nothing personal here\n');
    // Over the 64 KiB read limit: only the first part is read.
    await writeFile(path.join(dir, 'sub/huge.log'), `${'build 20260305 ok\n'.repeat(10_000)}`);

    const { code, lines, raw } = await run(baseJob(dir));
    expect(code).toBe(0);
    const files = lines.flatMap((l) => (l.kind === 'file' ? [l.file] : []));
    expect(files.map((f) => [path.relative(dir, f.path), f.verdict])).toEqual([
      ['customers.csv', 'bulk'],
      ['sub/contact.txt', 'below-threshold'],
      ['sub/huge.log', 'unreadable'],
    ]);
    expect(files[0]).toMatchObject({ matches: { 'cn-resident-id': 20 }, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(files[0]?.samples).toHaveLength(5);
    expect(files[1]).toMatchObject({ matches: { 'cn-mobile': 1, email: 1 }, samples: ['138****5678', 'z***@example.com'] });
    expect(files[2]).toMatchObject({ unreadable: 'limit-exceeded:max-bytes' });
    const done = lines.at(-1);
    expect(done).toMatchObject({ kind: 'done', progress: { phase: 'finished', filesFound: 4, filesDone: 4, filesFlagged: 1, filesBelowThreshold: 1, filesUnreadable: 1 } });
    expect(lines.some((l) => l.kind === 'progress' && l.progress.phase === 'scanning')).toBe(true);
    for (const id of ids) expect(raw).not.toContain(id);
  });

  it('refuses a path that does not exist or is excluded, and a job that does not validate', async () => {
    expect((await run(baseJob(path.join(dir, 'missing')))).lines).toEqual([{ kind: 'refused', refusal: 'not-found', message: `${path.join(dir, 'missing')} does not exist` }]);
    expect((await run({ ...baseJob(dir), excluded: [dir] })).lines[0]).toMatchObject({ kind: 'refused', refusal: 'excluded' });
    const bad = await run({ ...baseJob(dir), path: 'relative' });
    expect(bad.code).toBe(1);
    expect(bad.lines[0]).toMatchObject({ kind: 'failed', message: expect.stringContaining('path') });
  });
});
