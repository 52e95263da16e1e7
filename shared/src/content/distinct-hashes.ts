/**
 * A set of 53-bit value hashes for distinct counting: open addressing over two Int32Arrays. A
 * Set<number> of non-small integers boxes every hash as a heap number; on dense customer data
 * (hundreds of thousands of values) that boxing and its garbage cost more than the detectors.
 */

/** Hashes as the two halves the table stores: `high` (21 bits) and `low` (32 bits). */
export class DistinctHashes {
  private high = new Int32Array(1024).fill(-1);
  private low = new Int32Array(1024);
  private mask = 1023;
  size = 0;

  /** Adds the hash (a, b) made by valueHashInto; false when it was already there. */
  add(a: number, b: number): boolean {
    let slot = (Math.imul(a ^ (b << 11), 0x9e3779b1) >>> 0) & this.mask;
    for (;;) {
      const h = this.high[slot] ?? -1;
      if (h === -1) break;
      if (h === b && this.low[slot] === a) return false;
      slot = (slot + 1) & this.mask;
    }
    this.high[slot] = b;
    this.low[slot] = a;
    this.size++;
    if (this.size * 2 > this.mask) this.grow();
    return true;
  }

  /** True when the hash is in the set. */
  has(a: number, b: number): boolean {
    let slot = (Math.imul(a ^ (b << 11), 0x9e3779b1) >>> 0) & this.mask;
    for (;;) {
      const h = this.high[slot] ?? -1;
      if (h === -1) return false;
      if (h === b && this.low[slot] === a) return true;
      slot = (slot + 1) & this.mask;
    }
  }

  private grow(): void {
    const oldHigh = this.high;
    const oldLow = this.low;
    this.high = new Int32Array(oldHigh.length * 2).fill(-1);
    this.low = new Int32Array(oldHigh.length * 2);
    this.mask = this.high.length - 1;
    this.size = 0;
    for (let i = 0; i < oldHigh.length; i++) {
      const h = oldHigh[i] ?? -1;
      if (h !== -1) this.add(oldLow[i] ?? 0, h);
    }
  }
}

/** Two FNV-1a variants over the value: `a` 32 bits, `b` 21 bits (never -1), as the scanner counted them before. */
export function valueHashInto(value: string, out: Int32Array): void {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  out[0] = a;
  out[1] = b & 0x1fffff;
}
