/**
 * UTF-8 at the byte level, for the text scan that searches raw bytes instead of decoded strings:
 * UTF-16 lengths, character boundaries, and what the stream decoder would hold back at a chunk's end.
 * Every function takes valid UTF-8 unless it says otherwise.
 */

/** The four byte lanes of a 32-bit word, added. */
const sumLanes = (lanes: number): number => (lanes & 0xff) + ((lanes >>> 8) & 0xff) + ((lanes >>> 16) & 0xff) + (lanes >>> 24);

/**
 * UTF-16 units the bytes [from, to) decode to: one per character, two for a four-byte one. Counted
 * four bytes at a time (a JS loop per byte costs about as much as decoding).
 */
export function utf16Length(bytes: Uint8Array, from = 0, to = bytes.length): number {
  let units = 0;
  let i = from;
  const perByte = (c: number): number => ((c & 0xc0) === 0x80 ? 0 : 1) + (c >= 0xf0 ? 1 : 0);
  // Up to a four-byte boundary of the underlying memory, so the middle can be read as 32-bit words.
  while (i < to && (bytes.byteOffset + i) % 4 !== 0) units += perByte(bytes[i++] ?? 0);
  const words = Math.floor((to - i) / 4);
  if (words > 0) {
    const view = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words);
    // Per byte lane: 10xxxxxx (a continuation, no unit of its own) and 1111xxxx (a four-byte lead,
    // two units), summed lane by lane and folded every 255 words, before a lane could overflow.
    for (let w = 0; w < words; ) {
      const stop = Math.min(words, w + 255);
      let continuations = 0;
      let fourByteLeads = 0;
      for (; w < stop; w++) {
        const x = view[w] ?? 0;
        continuations += (x & ~(x << 1) & 0x80808080) >>> 7;
        fourByteLeads += (x & (x << 1) & (x << 2) & (x << 3) & 0x80808080) >>> 7;
      }
      units += sumLanes(fourByteLeads) - sumLanes(continuations);
    }
    units += words * 4;
    i += words * 4;
  }
  while (i < to) units += perByte(bytes[i++] ?? 0);
  return units;
}

/** Bytes of the character that starts with `lead`. */
function sequenceLength(lead: number): number {
  return lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
}

/**
 * Where `units` UTF-16 units before `at` (a character start) begin, not before `floor`. A character
 * that would be cut in two (a surrogate pair one unit short) is left out, or with `whole` taken whole.
 */
export function unitsBefore(bytes: Uint8Array, at: number, units: number, floor: number, whole: boolean): number {
  let p = at;
  /** Start of the last character taken. */
  let taken = at;
  let counted = 0;
  // Backwards one byte at a time: continuation bytes are skipped, a lead byte ends a character.
  while (p > floor && counted < units) {
    const c = bytes[--p] ?? 0;
    if ((c & 0xc0) === 0x80) continue;
    const width = c >= 0xf0 ? 2 : 1;
    if (counted + width > units && !whole) break;
    counted += width;
    taken = p;
  }
  return taken;
}

/** Where `units` UTF-16 units after `at` (a character start) end, not past `ceiling`; a character cut in two is left out. */
export function unitsAfter(bytes: Uint8Array, at: number, units: number, ceiling: number): number {
  let p = at;
  let counted = 0;
  while (p < ceiling && counted < units) {
    const length = sequenceLength(bytes[p] ?? 0);
    const width = length === 4 ? 2 : 1;
    if (counted + width > units) break;
    counted += width;
    p += length;
  }
  return Math.min(p, ceiling);
}

const inRange = (c: number | undefined, low: number, high: number): boolean => c !== undefined && c >= low && c <= high;

/**
 * Is bytes[start, end) the beginning of a valid UTF-8 sequence that is not complete yet (what a
 * streaming TextDecoder holds back at the end of a chunk, rather than replacing it at once)?
 */
function isIncompleteSequence(bytes: Uint8Array, start: number, end: number): boolean {
  const lead = bytes[start] ?? 0;
  const have = end - start;
  const second = bytes[start + 1];
  let length: number;
  let secondOk: boolean;
  if (lead >= 0xc2 && lead <= 0xdf) [length, secondOk] = [2, true];
  else if (lead === 0xe0) [length, secondOk] = [3, inRange(second, 0xa0, 0xbf)];
  else if (lead === 0xed) [length, secondOk] = [3, inRange(second, 0x80, 0x9f)];
  else if (lead >= 0xe1 && lead <= 0xef) [length, secondOk] = [3, inRange(second, 0x80, 0xbf)];
  else if (lead === 0xf0) [length, secondOk] = [4, inRange(second, 0x90, 0xbf)];
  else if (lead >= 0xf1 && lead <= 0xf3) [length, secondOk] = [4, inRange(second, 0x80, 0xbf)];
  else if (lead === 0xf4) [length, secondOk] = [4, inRange(second, 0x80, 0x8f)];
  else return false;
  if (have >= length) return false;
  if (have >= 2 && !secondOk) return false;
  return have < 3 || inRange(bytes[start + 2], 0x80, 0xbf);
}

/**
 * Where the complete characters of a chunk end: before a valid but unfinished sequence at its end
 * (held for the next chunk, as TextDecoder's stream mode does), else at the end. Invalid bytes are
 * not held back: the caller's validity check finds them where the decoder would.
 */
export function completeEnd(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const c = bytes[n - back] ?? 0;
    if ((c & 0xc0) === 0x80) continue;
    return isIncompleteSequence(bytes, n - back, n) ? n - back : n;
  }
  return n;
}
