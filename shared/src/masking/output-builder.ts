/**
 * The masking pass's text for one piece, made of many small parts (runs copied from the input and
 * replacements). Built with `+=`, a piece's output was a tree of some 100,000 cons strings that
 * survived every young-generation GC while the piece was built, and copying them there was most of
 * the GC time of a masking run. Parts are joined in small batches instead, while they are still young.
 */
const BATCH = 256;

export class OutputBuilder {
  private readonly parts: string[] = [];
  private batches: string[] = [];

  add(text: string): void {
    if (text === '') return;
    this.parts.push(text);
    if (this.parts.length >= BATCH) this.joinBatch();
  }

  /** Everything added since the last take, as one string. */
  take(): string {
    if (this.parts.length > 0) this.joinBatch();
    const batches = this.batches;
    this.batches = [];
    return batches.length === 1 ? (batches[0] ?? '') : batches.join('');
  }

  private joinBatch(): void {
    this.batches.push(this.parts.join(''));
    this.parts.length = 0;
  }
}
