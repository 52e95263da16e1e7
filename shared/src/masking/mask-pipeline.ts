/**
 * The passes of masking one text format, with the bytes left to the caller:
 *  1. survey: every raw value the detectors find (per value and over the raw text) into the filter;
 *     header rows judged; columns sampled and classified;
 *  2. mask: the input rewritten, each masked value drawn so it equals no raw value of the input;
 *  3. verify: the output re-scanned the same two ways; every value the filter may know is a suspect;
 *  4. confirm (only with suspects): the suspects looked for among the input's raw values, exactly.
 */
import type { BuiltInDetectorId } from '../content';
import type { CellSink, FormatCounts, FormatTransform } from './cell-sink';
import type { ColumnOverride } from './column-classifier';
import { createCsvTransform } from './csv-transform';
import { createHitFinder } from './hit-finder';
import { createJsonLinesTransform } from './jsonl-transform';
import type { MaskKind } from './mask-kinds';
import type { PassName } from './mask-report';
import { MaskSink } from './mask-sink';
import { RawValueFilter } from './raw-value-filter';
import { ConfirmSink, OutputChecker, VerifySink, type Suspect } from './scan-sinks';
import { createSqlTransform, detectSqlDialect, type SqlDialect } from './sql-transform';
import { SurveySink, type HeaderMode, type MaskPlan } from './survey-sink';
import { createTextHitScanner } from './text-hit-scanner';
import { ValueMasker, type MaskKeys, type MaskSettings } from './value-masker';

export type TextFormat = 'csv' | 'tsv' | 'jsonl' | 'sql';

export interface PipelineOptions {
  format: TextFormat;
  settings: MaskSettings;
  keys: MaskKeys;
  kinds: readonly MaskKind[];
  headerMode: HeaderMode;
  sampleRows: number;
  overrides: readonly ColumnOverride[];
  /** Detected from the first piece when absent. */
  sqlDialect?: SqlDialect;
  filterBits: number;
  /** Per run, random: seeds the filter's hash and the suspects' keys. */
  seed: number;
}

export interface TextPipelineIo {
  /** The input's decoded text from its start, in pieces (once per pass that reads it). */
  readInput(pass: PassName): AsyncIterable<string>;
  /** Text of the output, in order. */
  write(text: string): Promise<void> | void;
  /** All output is written (flush before the re-scan reads it). */
  closeOutput(): Promise<void> | void;
  readOutput(): AsyncIterable<string>;
}

export interface PipelineResult {
  plan: MaskPlan;
  sink: MaskSink;
  masker: ValueMasker;
  counts: FormatCounts;
  checker: OutputChecker;
  /** Suspects that are raw values of the input. */
  confirmed: Suspect[];
  filter: RawValueFilter;
  sqlDialect?: SqlDialect;
}

export function createTextTransform(format: TextFormat, sink: CellSink, emit: boolean, dialect: SqlDialect): FormatTransform {
  if (format === 'jsonl') return createJsonLinesTransform(sink, { emit });
  if (format === 'sql') return createSqlTransform(sink, { dialect, emit });
  return createCsvTransform(sink, { delimiter: format === 'tsv' ? '\t' : ',', emit });
}

/**
 * Runs one pass: every piece through the format's transform and, when `onRaw` is given, the raw-text
 * scanner. The masking pass has none: its raw-text hits would be thrown away (the survey already put
 * them in the filter and the re-scan checks the output), and that scan costs as much as the rest.
 */
async function runPass(pieces: AsyncIterable<string>, transform: () => FormatTransform, onRaw: Parameters<typeof createTextHitScanner>[1] | undefined, finderFor: ReturnType<typeof createHitFinder>, write?: (text: string) => Promise<void> | void): Promise<FormatTransform> {
  let current: FormatTransform | undefined;
  const scanner = onRaw ? createTextHitScanner(finderFor, onRaw) : undefined;
  for await (const piece of pieces) {
    current ??= transform();
    const out = current.push(piece);
    scanner?.push(piece);
    if (write && out !== '') await write(out);
  }
  current ??= transform();
  const last = current.end();
  scanner?.end();
  if (write && last !== '') await write(last);
  return current;
}

/** Peeks at the first piece to pick the SQL dialect, then yields every piece. */
async function* withDialect(pieces: AsyncIterable<string>, found: (dialect: SqlDialect) => void): AsyncGenerator<string> {
  let first = true;
  for await (const piece of pieces) {
    if (first) found(detectSqlDialect(piece.slice(0, 64 * 1024)));
    first = false;
    yield piece;
  }
}

export async function runTextPipeline(io: TextPipelineIo, options: PipelineOptions): Promise<PipelineResult> {
  const { settings } = options;
  const detectors: readonly BuiltInDetectorId[] = settings.detectors;
  const finder = createHitFinder(detectors, settings.today);
  const filter = new RawValueFilter(options.filterBits, options.seed);
  let dialect: SqlDialect = options.sqlDialect ?? 'mysql';
  const input = (pass: PassName): AsyncIterable<string> => (options.format === 'sql' && !options.sqlDialect && pass === 'survey' ? withDialect(io.readInput(pass), (d) => (dialect = d)) : io.readInput(pass));

  const survey = new SurveySink(finder, filter, { headerMode: options.headerMode, sampleRows: options.sampleRows, kinds: options.kinds, overrides: options.overrides });
  await runPass(input('survey'), () => createTextTransform(options.format, survey, false, dialect), (hit) => filter.add(hit.value), finder);
  const plan = survey.plan();

  const masker = new ValueMasker(settings, options.keys, (value) => filter.mayHave(value));
  const sink = new MaskSink(plan, masker);
  const masked = await runPass(input('mask'), () => createTextTransform(options.format, sink, true, dialect), undefined, finder, (text) => io.write(text));
  await io.closeOutput();

  const checker = new OutputChecker(filter, options.seed ^ 0x2545f491);
  const verify = new VerifySink(finder, checker);
  await runPass(io.readOutput(), () => createTextTransform(options.format, verify, false, dialect), (hit, line) => checker.check(hit, '', line), finder);

  const confirmed: Suspect[] = [];
  if (checker.suspects.size > 0) {
    const confirm = new ConfirmSink(finder, checker.suspects, options.seed ^ 0x2545f491);
    await runPass(input('confirm'), () => createTextTransform(options.format, confirm, false, dialect), (hit) => confirm.confirm(hit), finder);
    for (const key of confirm.confirmed) {
      const suspect = checker.suspects.get(key);
      if (suspect) confirmed.push(suspect);
    }
  }
  return { plan, sink, masker, counts: masked.counts, checker, confirmed, filter, ...(options.format === 'sql' ? { sqlDialect: dialect } : {}) };
}
