/**
 * Best-effort PDF text: the strings shown by text operators in uncompressed and Flate content
 * streams, read as single-byte text. Fonts with two-byte codes (Identity-H, how nearly every
 * Chinese PDF embeds its fonts) need the font's ToUnicode map, which is not read yet, so their text
 * is not found: the result says how many streams were read so a caller can tell.
 */
import { inflateSync } from 'node:zlib';

export type PdfText = { kind: 'text'; text: string; streams: number } | { kind: 'encrypted' } | { kind: 'unparseable'; detail: string };

/** Literal strings `( … )` with escapes, and hex strings `< … >`, in a content stream. */
function showText(content: string): string {
  const out: string[] = [];
  const strings = /\((?:\\[\s\S]|[^\\)])*\)|<([0-9A-Fa-f\s]+)>/g;
  let previousEnd = 0;
  for (let m = strings.exec(content); m !== null; m = strings.exec(content)) {
    // Pieces of one TJ array are separated by kerning numbers only and belong together; anything
    // else between two strings is an operator (Tj, Td, …), so a line break keeps values apart.
    if (out.length > 0 && !/^[\s\d.-]*$/.test(content.slice(previousEnd, m.index))) out.push('\n');
    previousEnd = m.index + m[0].length;
    if (m[1] !== undefined) {
      const hex = m[1].replace(/\s/g, '');
      out.push(Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex').toString('latin1'));
      continue;
    }
    out.push(m[0].slice(1, -1).replace(/\\([nrtbf()\\]|[0-7]{1,3}|\r?\n)/g, (_w, e: string) => {
      if (/^[0-7]+$/.test(e)) return String.fromCharCode(parseInt(e, 8) & 0xff);
      return ({ n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' } as Record<string, string>)[e] ?? (e.startsWith('\r') || e === '\n' ? '' : e);
    }));
  }
  return out.join('');
}

export function extractPdfText(pdf: Buffer, maxInflatedBytes: number): PdfText {
  const latin = pdf.toString('latin1');
  if (!latin.startsWith('%PDF-')) return { kind: 'unparseable', detail: 'no PDF header' };
  if (/\/Encrypt\s/.test(latin.slice(-4096)) || /\/Encrypt\s+\d+\s+\d+\s+R/.test(latin)) return { kind: 'encrypted' };
  const texts: string[] = [];
  let streams = 0;
  let inflatedTotal = 0;
  const streamStart = /(?<![a-z])stream\r?\n/g;
  for (let m = streamStart.exec(latin); m !== null; m = streamStart.exec(latin)) {
    const dictStart = latin.lastIndexOf('<<', m.index);
    const dict = dictStart === -1 ? '' : latin.slice(dictStart, m.index);
    const end = latin.indexOf('endstream', m.index + m[0].length);
    if (end === -1) break;
    const body = pdf.subarray(m.index + m[0].length, end);
    streamStart.lastIndex = end + 'endstream'.length;
    if (/\/Subtype\s*\/Image|\/Type\s*\/XObject|\/Length1|\/FontFile/.test(dict)) continue;
    let content: string;
    if (/\/Filter\s*\/FlateDecode/.test(dict)) {
      try {
        const inflated = inflateSync(body, { maxOutputLength: Math.max(1, maxInflatedBytes - inflatedTotal) });
        inflatedTotal += inflated.length;
        content = inflated.toString('latin1');
      } catch {
        continue; // a broken or over-limit stream; the others may still be read
      }
    } else if (/\/Filter/.test(dict)) {
      continue;
    } else {
      content = body.toString('latin1');
    }
    if (!/\bBT\b/.test(content)) continue;
    streams++;
    for (const block of content.match(/\bBT\b[\s\S]*?\bET\b/g) ?? []) texts.push(showText(block));
  }
  return { kind: 'text', text: texts.join('\n'), streams };
}
