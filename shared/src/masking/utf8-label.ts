/**
 * UTF-8 bytes of a digest's message into a buffer the digest reuses: a whole message, or a draw's
 * label (`prefix`, a NUL, `value`) written in place, so a masked value costs no label string.
 * ASCII without TextEncoder (nearly every value masked is ASCII).
 */
const encoder = new TextEncoder();

/** Bytes of `text` at `buffer[at…]` (room for 3 per UTF-16 unit checked by the caller); returns the end. */
function put(buffer: Uint8Array, at: number, text: string): number {
  let n = at;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return n + encoder.encodeInto(text.slice(i), buffer.subarray(n)).written;
    buffer[n++] = c;
  }
  return n;
}

/** A byte buffer grown on demand, with `spare` bytes after the message (padding room for SHA-256). */
export class LabelBuffer {
  bytes = new Uint8Array(256);

  constructor(private readonly spare: number) {}

  /** `text` as UTF-8 at the start of `bytes`; returns its length. */
  write(text: string): number {
    this.room(text.length);
    return put(this.bytes, 0, text);
  }

  /** `prefix` NUL `value` as UTF-8 at the start of `bytes`: what write(`${prefix}\u0000${value}`) writes. */
  writeLabel(prefix: string, value: string): number {
    this.room(prefix.length + 1 + value.length);
    const at = put(this.bytes, 0, prefix);
    this.bytes[at] = 0;
    return put(this.bytes, at + 1, value);
  }

  private room(units: number): void {
    const needed = units * 3 + this.spare;
    if (this.bytes.length < needed) this.bytes = new Uint8Array(needed);
  }
}
