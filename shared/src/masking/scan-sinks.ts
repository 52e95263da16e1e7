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

export class OutputChecker {
  /** Values found in the output per detector (masked values, which pass the detectors by design). */
  readonly found: Partial<Record<BuiltInDetectorId, number>> = {};
  readonly suspects = new Map<string, Suspect>();
  overflow = false;

  constructor(
    private readonly filter: RawValueFilter,
    private readonly keySeed: number,
  ) {}

  check(hit: Hit, table: string, line: number): void {
    this.found[hit.detector] = (this.found[hit.detector] ?? 0) + 1;
    if (!this.filter.mayHave(hit.value)) return;
    const key = valueKey(hit.value, this.keySeed);
    if (this.suspects.has(key)) return;
    if (this.suspects.size >= MAX_SUSPECTS) {
      this.overflow = true;
      return;
    }
    this.suspects.set(key, { detector: hit.detector, sample: builtInDetector(hit.detector).redact(hit.value), table, line });
  }
}

/** Re-scan of the output, value by value, through the output's own parser. */
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
