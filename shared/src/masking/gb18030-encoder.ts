/**
 * GB18030 bytes for text, so a GB18030 (GBK) input is written back in its own encoding. The table is
 * the inverse of the platform's own TextDecoder('gb18030'): every two-byte code and the four-byte codes
 * of the Basic Multilingual Plane are decoded once (about 63,000 decodes, on first use); characters
 * beyond it follow GB18030's linear four-byte mapping.
 */

let table: Uint32Array | undefined;

function buildTable(): Uint32Array {
  // Per UTF-16 code unit: 1–3 bytes packed as (length << 24 | bytes), 0 when unmapped.
  const map = new Uint32Array(0x10000);
  for (let c = 0; c < 0x80; c++) map[c] = (1 << 24) | c;
  const decoder = new TextDecoder('gb18030');
  const two = new Uint8Array(2);
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      two[0] = lead;
      two[1] = trail;
      const ch = decoder.decode(two);
      if (ch.length === 1 && ch !== '\ufffd') {
        const code = ch.charCodeAt(0);
        if (map[code] === 0) map[code] = (2 << 24) | (lead << 8) | trail;
      }
    }
  }
  const four = new Uint8Array(4);
  for (let b1 = 0x81; b1 <= 0x84; b1++) {
    for (let b2 = 0x30; b2 <= 0x39; b2++) {
      for (let b3 = 0x81; b3 <= 0xfe; b3++) {
        for (let b4 = 0x30; b4 <= 0x39; b4++) {
          four[0] = b1;
          four[1] = b2;
          four[2] = b3;
          four[3] = b4;
          const ch = decoder.decode(four);
          if (ch.length !== 1 || ch === '\ufffd') continue;
          const code = ch.charCodeAt(0);
          // Packed as the linear index of the four-byte code (fits in 24 bits), flagged by length 4.
          if (map[code] === 0) map[code] = (4 << 24) | ((((b1 - 0x81) * 10 + (b2 - 0x30)) * 126 + (b3 - 0x81)) * 10 + (b4 - 0x30));
        }
      }
    }
  }
  // U+FFFD is what the decoder gives for bad bytes too, so the loop above skipped it.
  map[0xfffd] = (4 << 24) | ((((0x84 - 0x81) * 10 + (0x31 - 0x30)) * 126 + (0xa4 - 0x81)) * 10 + (0x37 - 0x30));
  return map;
}

function putFour(out: Uint8Array, at: number, linear: number, base: number): void {
  let l = linear;
  const b4 = l % 10;
  l = Math.floor(l / 10);
  const b3 = l % 126;
  l = Math.floor(l / 126);
  const b2 = l % 10;
  const b1 = Math.floor(l / 10);
  out[at] = base + b1;
  out[at + 1] = 0x30 + b2;
  out[at + 2] = 0x81 + b3;
  out[at + 3] = 0x30 + b4;
}

/** GB18030 bytes of `text`; a lone surrogate becomes '?'. */
export function encodeGb18030(text: string): Uint8Array {
  table ??= buildTable();
  const map = table;
  const out = new Uint8Array(text.length * 4);
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) {
      out[o++] = code;
      continue;
    }
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        // Supplementary planes: four-byte codes from 0x90308130, in code point order.
        putFour(out, o, ((code - 0xd800) << 10) + (low - 0xdc00), 0x90);
        o += 4;
        i++;
        continue;
      }
    }
    const entry = map[code] ?? 0;
    const length = entry >>> 24;
    if (length === 2) {
      out[o++] = (entry >>> 8) & 0xff;
      out[o++] = entry & 0xff;
    } else if (length === 4) {
      putFour(out, o, entry & 0xffffff, 0x81);
      o += 4;
    } else out[o++] = length === 1 ? entry & 0xff : 0x3f;
  }
  return out.subarray(0, o);
}
