/**
 * The re-scan of the output and the confirmation against the input. Every value the detectors find in
 * the output is checked against the raw-value filter; a value the filter may know is a suspect (the
 * filter can raise a false alarm, never miss one). Suspects are then looked for among the input's raw
 * values, exactly, so a reported leak is a real one. Only redacted forms and keyed hashes are kept.
 */
import { builtInDetector, type BuiltInDetectorId } from '../content';
import { CELL_VERBATIM, type CellSink } from './cell-sink';
import type { Hit, HitFinder } from './hit-finder';
import { valueKey, type RawValueFilter } from './raw-value-filter';

export interface Suspect {
  detector: BuiltInDetectorId;
  /** Redacted, e.g. 138****5678. */
  sample: string;
  /** Table (SQL table, xlsx sheet; '' otherwise) and line or row in the output. */
  table: string;
  line: number;
}

/** Suspects kept at most; past that the output is refused anyway. */
export const MAX_SUSPECTS = 100_000;

/** Hits checked against the filter together (see RawValueFilter: their cache misses overlap). */
const CHECK_BATCH = 256;

export class OutputChecker {
  /** Values found in the output per detector (masked values, which pass the detectors by design). */
  readonly found: Partial<Record<BuiltInDetectorId, number>> = {};
  private readonly suspectMap = new Map<string, Suspect>();
  private overflowed = false;
  /** Hits waiting for the filter's answer, in the order found (the first place of a suspect is kept). */
  private readonly queue: { hit: Hit; table: string; line: number }[] = [];
  private readonly blocks = new Int32Array(CHECK_BATCH);
  private readonly seeds = new Int32Array(CHECK_BATCH);
  private readonly answers = new Uint8Array(CHECK_BATCH);

  constructor(
    private readonly filter: RawValueFilter,
    private readonly keySeed: number,
  ) {}

  /** Suspects: values of the output the filter may know, by key (all hits checked so far). */
  get suspects(): ReadonlyMap<string, Suspect> {
    this.flush();
    return this.suspectMap;
  }

  /** More suspects than MAX_SUSPECTS were found: not all were kept. */
  get overflow(): boolean {
    this.flush();
    return this.overflowed;
  }

  check(hit: Hit, table: string, line: number): void {
    this.found[hit.detector] = (this.found[hit.detector] ?? 0) + 1;
    this.filter.hashOf(hit.value, this.blocks, this.seeds, this.queue.length);
    this.queue.push({ hit, table, line });
    if (this.queue.length === CHECK_BATCH) this.flush();
  }

  private flush(): void {
    const count = this.queue.length;
    if (count === 0) return;
    this.filter.mayHaveAll(this.blocks, this.seeds, count, this.answers);
    for (let i = 0; i < count; i++) {
      const entry = this.queue[i];
      if (this.answers[i] === 0 || !entry) continue;
      this.suspect(entry.hit, entry.table, entry.line);
    }
    this.queue.length = 0;
  }

  private suspect(hit: Hit, table: string, line: number): void {
    const key = valueKey(hit.value, this.keySeed);
    if (this.suspectMap.has(key)) return;
    if (this.suspectMap.size >= MAX_SUSPECTS) {
      this.overflowed = true;
      return;
    }
    this.suspectMap.set(key, { detector: hit.detector, sample: builtInDetector(hit.detector).redact(hit.value), table, line });
  }
}

export class VerifySink implements CellSink {
  constructor(
    private readonly finder: HitFinder,
    private readonly checker: OutputChecker,
  ) {}

  columns(): void {}

  skipsVerbatim(): boolean {
    return true;
  }

  cell(table: string, _column: number | string, line: number, _role: unknown, value: string, flags: number): undefined {
    // A verbatim value is seen by the raw-text scan of the same output.
    if (flags & CELL_VERBATIM) return undefined;
    for (const hit of this.finder.find(value)) this.checker.check(hit, table, line);
    return undefined;
  }
}

/** Which suspects are raw values of the input (keys of OutputChecker.suspects). */
export class ConfirmSink implements CellSink {
  readonly confirmed = new Set<string>();

  constructor(
    private readonly finder: HitFinder,
    private readonly suspects: ReadonlyMap<string, Suspect>,
    private readonly keySeed: number,
  ) {}

  columns(): void {}

  skipsVerbatim(): boolean {
    return true;
  }

  cell(_table: string, _column: number | string, _line: number, _role: unknown, value: string, flags: number): undefined {
    if (flags & CELL_VERBATIM) return undefined;
    for (const hit of this.finder.find(value)) this.confirm(hit);
    return undefined;
  }

  confirm(hit: Hit): void {
    const key = valueKey(hit.value, this.keySeed);
    if (this.suspects.has(key)) this.confirmed.add(key);
  }
}
