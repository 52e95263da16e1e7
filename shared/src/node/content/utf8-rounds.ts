/**
 * The UTF-8 text scan without decoding: rounds search a one-byte (latin1) view of the raw bytes.
 * Every character a built-in detector matches (digits, letters, + - . @, space) is ASCII, and in
 * UTF-8 an ASCII byte is always that character, so the detectors find the same matches in the view
 * as in the decoded text. Only the few characters around a match that its context words are looked
 * for in, and a document's head, are read as text. Decoding was a quarter of a text file's scan.
 *
 * What stays exactly as the decoding scan did it (content-scanner's textRounds over a stream
 * TextDecoder), so that findings are the same for every input:
 *  - rounds start and end at the same characters (counted in UTF-16 units, as textRounds counts);
 *  - a round holding a character that normalising changes (full-width digits, odd spaces and
 *    dashes) is decoded and searched as text;
 *  - at the first invalid byte the rest of the file goes through TextDecoder and textRounds, which
 *    continue the rounds where the byte scan left them (invalid input costs what it cost before);
 *  - a leading BOM is dropped, as TextDecoder drops it.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { SCAN_ROUNDS, normaliseText, textRounds, textView, type RoundView, type ScanEngine, type TextRounds } from '../../content';
import { completeEnd, unitsAfter, unitsBefore, utf16Length } from './utf8-bytes';

const { carry: CARRY, holdBack: HOLD_BACK, roundMinNew: ROUND_MIN_NEW } = SCAN_ROUNDS;
/** Units pending when a round runs: textRounds' threshold. */
const ROUND_AT = CARRY + HOLD_BACK + ROUND_MIN_NEW;

/**
 * Characters normaliseText changes (its NEEDS_NORMALISING: U+00A0, U+2010–2015, U+2212, U+3000,
 * full-width + - . digits and letters) as UTF-8 in the one-byte view; a test checks the two agree
 * on every BMP character.
 */
export const NEEDS_NORMALISING_UTF8 = /\xEF\xBC[\x8B\x8D\x8E\x90-\x99\xA0-\xBA]|\xEF\xBD[\x81-\x9A]|\xE3\x80\x80|\xC2\xA0|\xE2\x80[\x90-\x95]|\xE2\x88\x92/;

/**
 * A context regex (CJK and ASCII words, `|`, `?`, `\b`, case-insensitive) rewritten to match the
 * same words in the one-byte view: each non-ASCII character as its UTF-8 bytes, ASCII letters as
 * both cases (the view's bytes 0x80–0xFF must not fold case, as `i` would make them). Undefined for
 * anything else, which is then tested on decoded text.
 */
export function utf8ContextRegex(context: RegExp): RegExp | undefined {
  if (context.unicode || /[[\].(){}]|\\[^bB]/.test(context.source)) return undefined;
  let out = '';
  let escaped = false;
  for (const ch of context.source) {
    const code = ch.codePointAt(0) ?? 0;
    if (escaped) {
      out += ch;
      escaped = false;
    } else if (ch === '\\') {
      out += ch;
      escaped = true;
    } else if (code >= 0x80) {
      if (ch.toLowerCase() !== ch.toUpperCase()) return undefined;
      out += `(?:${Array.from(Buffer.from(ch, 'utf8'), (b) => `\\x${b.toString(16).padStart(2, '0')}`).join('')})`;
    } else if (context.ignoreCase && /[a-z]/i.test(ch)) {
      out += `[${ch.toLowerCase()}${ch.toUpperCase()}]`;
    } else {
      out += ch;
    }
  }
  return new RegExp(out);
}

/** A round's bytes, which hold no character that normalising changes, searched in their one-byte view `text`. */
function byteView(bytes: Buffer, text: string, first: boolean, contexts: Map<RegExp, RegExp | undefined>): RoundView {
  const ascii = isAscii(bytes);
  const end = bytes.length;
  const read = (from: number, to: number): string => (ascii ? text.slice(from, to) : bytes.toString('utf8', from, to));
  return {
    text,
    documentHead: () => (first ? read(0, unitsAfter(bytes, 0, SCAN_ROUNDS.documentHead, end)) : ''),
    contextNear(context, start, matchEnd) {
      let bytesContext = contexts.get(context);
      if (bytesContext === undefined && !contexts.has(context)) {
        bytesContext = utf8ContextRegex(context);
        contexts.set(context, bytesContext);
      }
      const from = unitsBefore(bytes, start, SCAN_ROUNDS.contextBefore, 0, false);
      const to = unitsAfter(bytes, matchEnd, SCAN_ROUNDS.contextAfter, end);
      if (bytesContext || ascii) {
        const regex = bytesContext ?? context;
        regex.lastIndex = 0;
        if (regex.test(text.slice(from, start))) return true;
        regex.lastIndex = 0;
        return regex.test(text.slice(matchEnd, to));
      }
      context.lastIndex = 0;
      if (context.test(read(from, start))) return true;
      context.lastIndex = 0;
      return context.test(read(matchEnd, to));
    },
    labelBefore: (start) => read(unitsBefore(bytes, start, SCAN_ROUNDS.labelBefore, 0, false), start),
  };
}

export interface Utf8Rounds {
  push(chunk: Buffer): void;
  /** The text's end: what is left, the newline that ends every file, and the last round. */
  finish(): void;
}

/** Rounds over UTF-8 bytes for `engine` (built-in detectors only), from the first byte of a file. */
export function utf8Rounds(engine: ScanEngine): Utf8Rounds {
  /** Bytes of the round being gathered, a character start first; joined when the round runs. */
  let parts: Buffer[] = [];
  let partBytes = 0;
  /** UTF-16 units pending as textRounds counts them (its carry can start inside a surrogate pair; ours starts before the pair). */
  let pendingUnits = 0;
  /** Bytes of the first part whose match ends were counted by the previous round. */
  let countedUpTo = 0;
  let first = true;
  let bomChecked = false;
  /** An unfinished character at the end of the last chunk. */
  let tail: Buffer = Buffer.alloc(0);
  const contexts = new Map<RegExp, RegExp | undefined>();
  /** Once an invalid byte is seen: the decoding scan, continued. */
  let fallback: { decoder: { decode(input?: Uint8Array, options?: { stream: boolean }): string }; rounds: TextRounds } | undefined;

  function add(piece: Buffer): void {
    if (piece.length === 0) return;
    const units = isAscii(piece) ? piece.length : utf16Length(piece);
    engine.scannedChars += units;
    pendingUnits += units;
    parts.push(piece);
    partBytes += piece.length;
    if (pendingUnits >= ROUND_AT) round(false);
  }

  /** The gathered text as textRounds would hold it: decoded, normalised, cut where its carry starts. */
  function pendingText(bytes: Buffer): string {
    const text = normaliseText(bytes.toString('utf8'));
    return text.length > pendingUnits ? text.slice(text.length - pendingUnits) : text;
  }

  function round(last: boolean): void {
    const bytes = parts.length === 1 ? (parts[0] ?? Buffer.alloc(0)) : Buffer.concat(parts, partBytes);
    const limit = last ? bytes.length : unitsBefore(bytes, bytes.length, HOLD_BACK, 0, false);
    const view = bytes.toString('latin1');
    if (NEEDS_NORMALISING_UTF8.test(view)) {
      // Decoded, as textRounds would search it: same offsets, so its counted range in units.
      const counted = first ? 0 : CARRY;
      engine.round(textView(pendingText(bytes)), counted, last ? pendingUnits : pendingUnits - HOLD_BACK);
    } else {
      engine.round(byteView(bytes, view, first, contexts), countedUpTo, limit);
    }
    first = false;
    if (last) return;
    const carryStart = unitsBefore(bytes, bytes.length, CARRY + HOLD_BACK, 0, true);
    parts = [bytes.subarray(carryStart)];
    partBytes = bytes.length - carryStart;
    pendingUnits = CARRY + HOLD_BACK;
    countedUpTo = limit - carryStart;
  }

  /** From here on the decoding scan: textRounds continues from the pending bytes, TextDecoder from `rest`. */
  function fallBack(rest: Buffer): void {
    const bytes = Buffer.concat(parts, partBytes);
    // textRounds counted up to CARRY units into its carry after every round.
    const rounds = textRounds(engine, { pending: pendingText(bytes), countedUpTo: first ? 0 : CARRY });
    // Once a character went by, a leading BOM was dropped already and a later one is text.
    fallback = { decoder: new TextDecoder('utf-8', { ignoreBOM: bomChecked }), rounds };
    rounds.push(fallback.decoder.decode(rest, { stream: true }));
  }

  return {
    push(chunk) {
      if (fallback) {
        fallback.rounds.push(fallback.decoder.decode(chunk, { stream: true }));
        return;
      }
      const bytes = tail.length > 0 ? Buffer.concat([tail, chunk]) : chunk;
      const end = completeEnd(bytes);
      let piece = bytes.subarray(0, end);
      if (!isUtf8(piece)) {
        fallBack(bytes);
        return;
      }
      tail = Buffer.from(bytes.subarray(end));
      if (!bomChecked && piece.length > 0) {
        bomChecked = true;
        if (piece[0] === 0xef && piece[1] === 0xbb && piece[2] === 0xbf) piece = piece.subarray(3);
      }
      add(piece);
    },
    finish() {
      // An unfinished character at the end is invalid: TextDecoder replaces it.
      if (!fallback && tail.length > 0) fallBack(tail);
      if (fallback) {
        fallback.rounds.push(fallback.decoder.decode());
        fallback.rounds.push('\n');
        fallback.rounds.flush();
        return;
      }
      add(Buffer.from('\n'));
      round(true);
    },
  };
}
