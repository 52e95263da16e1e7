/**
 * `dlp mask IN --out OUT`: masks personal data for outside vendors (issue 16 item 4, docs/MASKING.md).
 * Refuses to write over IN; writes OUT through a temporary file next to it, renamed into place only
 * after the re-scan found no raw value; writes the report and a summary in zh-CN or en. Needs no
 * console database: it works on files only.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { rmSync } from 'node:fs';
import { chmod, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MaskInputError, createHitFinder, reportColumns, runTextPipeline, type MaskFormat, type MaskReport, type PassName, type PipelineOptions, type PipelineResult } from '@dlp/shared';
import type { CliIo } from './cli-io';
import { KeyFileError, readKeyFile, runKey, type PseudonymKey } from './mask-key';
import { parseMaskArgs, type MaskRunOptions } from './mask-options';
import { MaskProgress } from './mask-progress';
import { describeInputError, MASK_USAGE, maskLang, summaryLines } from './mask-text';
import { TextOutput, decodeFile, detectFormat, detectInputEncoding } from './mask-text-io';
import { maskXlsx } from './mask-xlsx';

export const MASK_EXIT = { ok: 0, failed: 1, usage: 2, badInput: 3, rawValuesRemain: 4 } as const;

const FILTER_MIN_BITS = 2 ** 23;
const FILTER_MAX_BITS = 2 ** 31;

/** A same file check that also sees hard links and different spellings of one path. */
async function sameFile(a: string, b: string): Promise<boolean> {
  if (path.resolve(a) === path.resolve(b)) return true;
  try {
    const [sa, sb] = await Promise.all([stat(a), stat(b)]);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(() => true, () => false);
}

/** The checks before any work: input readable, output not the input, not clobbered without --force. */
async function checkPaths(o: MaskRunOptions): Promise<string | undefined> {
  let info;
  try {
    info = await stat(o.input);
  } catch (err) {
    return `cannot read ${o.input}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`;
  }
  if (!info.isFile()) return `${o.input} is not a regular file`;
  if (await sameFile(o.input, o.output)) return `refusing to overwrite the input: --out ${o.output} is ${o.input}`;
  if (o.report !== undefined && ((await sameFile(o.report, o.input)) || (await sameFile(o.report, o.output)))) return '--report must be another file than IN and OUT';
  if (o.keyFile !== undefined && ((await sameFile(o.keyFile, o.output)) || (o.report !== undefined && (await sameFile(o.keyFile, o.report))))) return '--out and --report must not be the key file';
  if (!o.force && (await exists(o.output))) return `${o.output} exists: pass --force to replace it`;
  if (!(await exists(path.dirname(path.resolve(o.output))))) return `the folder of ${o.output} does not exist`;
  return undefined;
}

async function readHead(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Writes `text` to `file` through a temporary file and a rename, so a reader never sees half a report. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  await writeFile(temp, text, { mode: 0o644, flag: 'wx' });
  await rename(temp, file);
}

export async function runMaskCommand(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseMaskArgs(argv, io.env);
  if (!parsed.ok) {
    // The user's language by LC_ALL, LC_MESSAGES, LANG, as the rest of dlp.
    const usage = MASK_USAGE[maskLang(undefined, io.env)];
    if (parsed.help) {
      io.out(usage);
      return MASK_EXIT.ok;
    }
    io.err(`dlp mask: ${parsed.message}\n${usage}`);
    return MASK_EXIT.usage;
  }
  const o = parsed.options;
  const pathProblem = await checkPaths(o);
  if (pathProblem) {
    io.err(`dlp mask: ${pathProblem}`);
    return MASK_EXIT.usage;
  }
  const usesPseudonyms = o.kinds.some((k) => o.strategies[k] === 'pseudonym');
  let key: PseudonymKey | undefined;
  if (usesPseudonyms) {
    if (!o.keyFile) {
      io.err('dlp mask: pseudonyms need the firm’s key: --key-file PATH (or env DLP_MASK_KEY_FILE); create one with: openssl rand -hex 32 > mask.key; chmod 600 mask.key');
      return MASK_EXIT.usage;
    }
    try {
      key = await readKeyFile(o.keyFile);
    } catch (err) {
      io.err(`dlp mask: ${err instanceof KeyFileError ? err.message : 'cannot read the key file'}`);
      return MASK_EXIT.usage;
    }
    if (key.looselyProtected) io.err(o.lang === 'zh-CN' ? `dlp mask：警告：密钥文件 ${o.keyFile} 可被其他用户读取（建议 chmod 600）` : `dlp mask: warning: the key file ${o.keyFile} can be read by other users (chmod 600)`);
  }

  const started = Date.now();
  const temp = path.join(path.dirname(path.resolve(o.output)), `.${path.basename(o.output)}.dlp-mask-${randomBytes(6).toString('hex')}.tmp`);
  let output: TextOutput | undefined;
  const removeTemp = async (): Promise<void> => {
    output?.destroy();
    await rm(temp, { force: true });
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    // An interrupted run leaves no half-masked file behind.
    rmSync(temp, { force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const progress = new MaskProgress(io.terminal, o.lang);
  const passes: MaskReport['passes'] = [];
  let passStarted = Date.now();
  let passBytes = 0;
  const timed = {
    begin(pass: PassName, total: number) {
      passStarted = Date.now();
      passBytes = 0;
      passes.push({ name: pass, bytes: 0, ms: 0 });
      progress.begin(pass, total);
    },
    add(n: number) {
      passBytes += n;
      progress.add(n);
    },
    end() {
      const last = passes[passes.length - 1];
      if (last) Object.assign(last, { bytes: passBytes, ms: Date.now() - passStarted });
      progress.end();
    },
  };
  try {
    const head = await readHead(o.input);
    const format = detectFormat(o.input, head, o.format);
    const inputBytes = (await stat(o.input)).size;
    const filterBits = o.filterMib !== undefined ? o.filterMib * 8 * 1024 * 1024 : Math.min(FILTER_MAX_BITS, Math.max(FILTER_MIN_BITS, inputBytes * 2));
    const pipeline: Omit<PipelineOptions, 'format'> = {
      settings: { detectors: o.detectors, strategy: o.strategies, keep: o.keep, validCheckDigits: o.validCheckDigits, ...(o.maskChar !== undefined ? { maskChar: o.maskChar } : {}), today: new Date() },
      keys: { run: runKey(), ...(key ? { pseudonym: key.digest } : {}) },
      kinds: o.kinds,
      headerMode: o.header,
      sampleRows: o.sampleRows,
      overrides: o.overrides,
      ...(o.sqlDialect ? { sqlDialect: o.sqlDialect } : {}),
      filterBits,
      seed: randomInt(2 ** 31),
    };
    let result;
    let encoding: string | undefined;
    let structure: MaskReport['structure'];
    let outputBytes: number;
    let sqlDialect: MaskReport['settings']['sqlDialect'];
    if (format === 'xlsx') {
      const x = await maskXlsx(o.input, temp, pipeline, timed);
      result = x;
      structure = { rows: x.rows, sheets: x.sheets, sharedStrings: x.sharedStrings };
      outputBytes = x.outputBytes;
    } else {
      const input = detectInputEncoding(head, o.encoding);
      encoding = input.encoding;
      const text = new TextOutput(temp, input);
      output = text;
      await text.start();
      let outputSize = 0;
      const t = await runTextPipeline({
        readInput: (pass) => {
          timed.begin(pass, inputBytes);
          return endAfter(decodeFile(o.input, input, (n) => timed.add(n)), () => timed.end());
        },
        write: (piece) => text.write(piece),
        closeOutput: async () => {
          await text.close();
          outputSize = text.bytes;
        },
        readOutput: () => {
          timed.begin('verify', outputSize);
          return endAfter(decodeFile(temp, input, (n) => timed.add(n)), () => timed.end());
        },
      }, { ...pipeline, format });
      result = t;
      sqlDialect = t.sqlDialect;
      structure = { rows: t.counts.rows, lines: t.counts.lines, ...(format === 'sql' ? { statements: t.counts.statements, insertStatements: t.counts.insertStatements } : {}) };
      outputBytes = text.bytes;
    }
    const ok = result.confirmed.length === 0 && !result.checker.overflow;
    const report = buildReport({ options: o, key, started, format, encoding, inputBytes, outputBytes, ok, structure, sqlDialect, result, passes });
    if (ok) {
      // Readable like any new file once verified (the temporary file was 0600).
      const umask = process.umask();
      await chmod(temp, 0o666 & ~umask);
      await rename(temp, o.output);
    } else {
      await removeTemp();
    }
    if (o.report !== undefined) await writeAtomically(o.report, `${JSON.stringify(report, null, 2)}\n`);
    for (const line of summaryLines(report, o.lang)) io.err(line);
    return ok ? MASK_EXIT.ok : MASK_EXIT.rawValuesRemain;
  } catch (err) {
    await removeTemp();
    if (err instanceof MaskInputError) {
      io.err(describeInputError(err, o.lang));
      return MASK_EXIT.badInput;
    }
    io.err(`dlp mask: ${err instanceof Error ? err.message : String(err)}`);
    return MASK_EXIT.failed;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

interface ReportInput {
  options: MaskRunOptions;
  key: PseudonymKey | undefined;
  started: number;
  format: MaskFormat;
  encoding: string | undefined;
  inputBytes: number;
  outputBytes: number;
  ok: boolean;
  structure: MaskReport['structure'];
  sqlDialect: MaskReport['settings']['sqlDialect'];
  result: Pick<PipelineResult, 'sink' | 'masker' | 'checker' | 'confirmed' | 'filter'>;
  passes: MaskReport['passes'];
}

/** The report: counts, settings and redacted samples; header texts redacted where they hold a value. */
function buildReport(r: ReportInput): MaskReport {
  const o = r.options;
  const { result } = r;
  return {
    tool: 'dlp mask',
    version: 1,
    startedAt: new Date(r.started).toISOString(),
    elapsedMs: Date.now() - r.started,
    input: { path: o.input, format: r.format, ...(r.encoding ? { encoding: r.encoding } : {}), bytes: r.inputBytes },
    output: { path: o.output, bytes: r.outputBytes, written: r.ok },
    settings: {
      kinds: o.kinds,
      strategies: o.strategies,
      keep: o.keep,
      validCheckDigits: o.validCheckDigits,
      ...(o.maskChar !== undefined ? { maskChar: o.maskChar } : {}),
      ...(r.key ? { keyId: r.key.id } : {}),
      header: o.header,
      sampleRows: o.sampleRows,
      ...(r.sqlDialect ? { sqlDialect: r.sqlDialect } : {}),
    },
    structure: r.structure,
    columns: reportColumns(result.sink.tallies.values(), createHitFinder(o.detectors, new Date())),
    totals: { byKind: result.sink.byKind, headerHits: result.sink.headerHits, redrawn: result.masker.redrawn, shapeFallbacks: result.masker.shapeFallbacks },
    verification: {
      ok: r.ok,
      foundInOutput: result.checker.found,
      suspects: result.checker.suspects.size,
      rawValuesFound: result.confirmed.length,
      findings: result.confirmed.slice(0, 20).map((s) => ({ detector: s.detector, sample: s.sample, ...(s.table ? { table: s.table } : {}), line: s.line })),
      ...(result.checker.overflow ? { overflow: true } : {}),
    },
    passes: r.passes,
    filterBytes: result.filter.byteLength,
  };
}

/** Yields every piece, then calls `done` (the pass's progress line ends when its reading does). */
async function* endAfter(pieces: AsyncIterable<string>, done: () => void): AsyncGenerator<string> {
  for await (const piece of pieces) yield piece;
  done();
}
