/**
 * The fallback for a PDF whose page tree cannot be found (truncated, damaged, or hand-made without
 * pages): the strings shown by text operators in every uncompressed or Flate content stream, read as
 * single-byte text, without fonts. Only used when no page could be read.
 */
import { constants, inflateSync } from 'node:zlib';
import { LimitReached } from './extraction-limits';

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

/** Text of every stream holding text operators; `inflate` counts and bounds what is inflated. */
export function scanStreamsForText(pdf: Buffer, maxInflatedBytes: number, spend?: (inflated: number) => void): { text: string; streams: number } {
  const latin = pdf.toString('latin1');
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
      if (inflatedTotal >= maxInflatedBytes) throw new LimitReached('max-entry-inflated');
      try {
        const inflated = inflateSync(body, { maxOutputLength: maxInflatedBytes - inflatedTotal, finishFlush: constants.Z_SYNC_FLUSH });
        inflatedTotal += inflated.length;
        spend?.(inflated.length);
        content = inflated.toString('latin1');
      } catch (err) {
        if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new LimitReached('max-entry-inflated');
        continue; // a broken stream; the others may still be read
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
  return { text: texts.join('\n'), streams };
}
