/**
 * The scan worker: a child process of the agent (the agent's own bundle, run with the hidden
 * `__scan-worker` argument). It reads one job from stdin, takes the asking user's identity
 * (privilege-drop.ts) before touching any path, walks and scans, and writes JSON lines to stdout.
 * A crash, a hung filesystem or a runaway file costs this process, never the agent.
 */
import { writeFile } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { describeIssues, type ScanProgress } from '@dlp/shared';
import { dropPrivileges } from './privilege-drop';
import { resolveScanRoot } from './scan-root';
import { scanOneFile } from './scan-one-file';
import { noneSkipped, walkTree, type WalkedFile } from './tree-walk';
import { scanJob, WORKER_MAX_LINE_BYTES, type ScanJob, type WorkerLine } from './scan-worker-protocol';

/** Above an ordinary process's 0: under memory pressure the kernel ends a scan, not the agent (-900) or a user's work. */
const WORKER_OOM_SCORE_ADJ = 500;

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** The first line of `input`, at most WORKER_MAX_LINE_BYTES. */
async function readFirstLine(input: Readable): Promise<string> {
  let text = '';
  for await (const chunk of input) {
    text += String(chunk);
    const newline = text.indexOf('\n');
    if (newline >= 0) return text.slice(0, newline);
    if (text.length > WORKER_MAX_LINE_BYTES) throw new Error('the job is too long');
  }
  return text;
}

/** Writes lines in order, waiting when the agent reads slower than the worker writes. */
function lineWriter(output: Writable): (line: WorkerLine) => Promise<void> {
  return async (line) => {
    if (!output.write(`${JSON.stringify(line)}\n`)) await new Promise<void>((resolve) => output.once('drain', resolve));
  };
}

function freshProgress(): ScanProgress {
  return { phase: 'counting', filesFound: 0, filesDone: 0, bytesFound: 0, bytesDone: 0, filesFlagged: 0, filesBelowThreshold: 0, filesUnreadable: 0, skipped: noneSkipped(), fileLimitReached: false };
}

async function scanFiles(job: ScanJob, files: readonly WalkedFile[], progress: ScanProgress, send: (line: WorkerLine) => Promise<void>, tick: () => Promise<void>): Promise<void> {
  const criteria = { detectors: job.detectors, minDistinct: job.minDistinct, limits: job.limits, maxHashBytes: job.maxHashBytes };
  for (const file of files) {
    const outcome = await scanOneFile(file.path, criteria);
    if (outcome.kind === 'skipped') {
      // Not readable after all (or changed since the walk): no longer one of the files to scan.
      progress.filesFound--;
      progress.bytesFound -= file.size;
      if (outcome.why === 'denied') progress.skipped.denied++;
      else if (outcome.why === 'symlink') progress.skipped.symlinks++;
      else if (outcome.why === 'special') progress.skipped.special++;
      await tick();
      continue;
    }
    progress.filesDone++;
    progress.bytesDone += file.size;
    if (outcome.kind === 'finding') {
      const { verdict } = outcome.file;
      if (verdict === 'bulk') progress.filesFlagged++;
      else if (verdict === 'below-threshold') progress.filesBelowThreshold++;
      if (verdict === 'unreadable' || outcome.file.unreadable !== undefined) progress.filesUnreadable++;
      await send({ kind: 'file', file: outcome.file, ownerUid: outcome.ownerUid });
    }
    await tick();
  }
}

/**
 * Runs one job from `input`; resolves with the process's exit code (0 once `done` or `refused` is
 * written). `oomScoreAdj` null leaves the process's OOM score alone (tests run it in their own process).
 */
export async function runScanWorker(input: Readable, output: Writable, options: { oomScoreAdj: number | null } = { oomScoreAdj: WORKER_OOM_SCORE_ADJ }): Promise<number> {
  const send = lineWriter(output);
  let job: ScanJob;
  try {
    const parsed = scanJob.safeParse(JSON.parse(await readFirstLine(input)));
    if (!parsed.success) throw new Error(`invalid job: ${describeIssues(parsed.error)}`);
    job = parsed.data;
    // The agent's unit protects it from the OOM killer; its worker is the one to go first.
    if (options.oomScoreAdj !== null) await writeFile('/proc/self/oom_score_adj', String(options.oomScoreAdj)).catch(() => undefined);
    if (job.runAs) dropPrivileges(job.runAs);
  } catch (err) {
    await send({ kind: 'failed', message: errorText(err).slice(0, 500) });
    return 1;
  }
  const root = await resolveScanRoot(job.path, job.excluded);
  if (root.kind === 'refused') {
    await send({ kind: 'refused', refusal: root.refusal, message: root.message.slice(0, 2000) });
    return 0;
  }
  const progress = freshProgress();
  let sentAt = 0;
  const tick = async (force = false): Promise<void> => {
    if (!force && Date.now() - sentAt < job.progressEveryMs) return;
    sentAt = Date.now();
    await send({ kind: 'progress', progress });
  };
  await tick(true);
  let files: WalkedFile[];
  if (root.kind === 'file') {
    files = [{ path: root.path, size: root.size }];
    Object.assign(progress, { filesFound: 1, bytesFound: root.size });
  } else {
    const walked = await walkTree(root.path, {
      maxFiles: job.maxFiles,
      excluded: job.excluded,
      onFolder: (found) => {
        progress.filesFound = found.files;
        progress.bytesFound = found.bytes;
        progress.skipped = { ...found.skipped };
        void tick();
      },
    });
    files = walked.files;
    Object.assign(progress, { filesFound: files.length, bytesFound: walked.bytes, skipped: { ...walked.skipped }, fileLimitReached: walked.fileLimitReached });
  }
  progress.phase = 'scanning';
  await tick(true);
  await scanFiles(job, files, progress, send, () => tick());
  progress.phase = 'finished';
  await send({ kind: 'done', progress });
  return 0;
}
