/** Bounds on one file scan, so a hostile file costs bounded time and memory (issue 16, "Bad input"). */
export interface ExtractionLimits {
  /** Bytes read from the file plus bytes inflated from its archive entries, per scan. */
  maxBytes: number;
  /** Wall time per scan; checked between chunks. */
  maxTimeMs: number;
  /** Archive entries looked at; the rest of a larger archive is not scanned. */
  maxZipEntries: number;
  /** Inflated size of one archive entry (a zip bomb stops here, whatever it declares). */
  maxEntryInflatedBytes: number;
  /** Inflated bytes over all entries of the file. */
  maxTotalInflatedBytes: number;
  /** Archives opened inside the file: 1 means a zip's entries are read, a zip inside it is not. */
  maxNestingDepth: number;
  /** An entry that must be held in memory to be read (a docx inside a zip, a PDF) may be at most this big. */
  maxInMemoryBytes: number;
}

export const DEFAULT_EXTRACTION_LIMITS: ExtractionLimits = {
  maxBytes: 2 * 1024 ** 3,
  maxTimeMs: 120_000,
  maxZipEntries: 10_000,
  maxEntryInflatedBytes: 512 * 1024 ** 2,
  maxTotalInflatedBytes: 2 * 1024 ** 3,
  maxNestingDepth: 1,
  maxInMemoryBytes: 64 * 1024 ** 2,
};

export type LimitName = 'max-bytes' | 'max-time' | 'max-zip-entries' | 'max-entry-inflated' | 'max-total-inflated' | 'nesting-depth' | 'max-in-memory';

/** Thrown inside extraction when a limit is reached; scanFile turns it into a result, never lets it out. */
export class LimitReached extends Error {
  constructor(readonly limit: LimitName) {
    super(`limit reached: ${limit}`);
  }
}

/** Running totals for one scan, checked by every reader. */
export class ExtractionBudget {
  private readonly deadline: number;
  bytes = 0;
  inflated = 0;

  constructor(readonly limits: ExtractionLimits) {
    this.deadline = Date.now() + limits.maxTimeMs;
  }

  /** Counts bytes about to be scanned; throws when a limit is passed. */
  spend(bytes: number, inflated: boolean): void {
    this.bytes += bytes;
    if (inflated) this.inflated += bytes;
    if (this.bytes > this.limits.maxBytes) throw new LimitReached('max-bytes');
    if (this.inflated > this.limits.maxTotalInflatedBytes) throw new LimitReached('max-total-inflated');
    if (Date.now() > this.deadline) throw new LimitReached('max-time');
  }
}
