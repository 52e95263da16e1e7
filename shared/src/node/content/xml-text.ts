/**
 * Text out of an Office Open XML part, as a stream: tags dropped, entities decoded, and a tab or a
 * line break where a cell, paragraph, row or shared string ends, so values in neighbouring cells
 * never run together (while a number split over two runs of one paragraph is joined again).
 */

/** Local names (prefix dropped) whose end starts a new line, or a new cell. */
const NEWLINE_AFTER = new Set(['p', 'row', 'si', 'br', 'cr', 'tr', 'txBody']);
const TAB_AFTER = new Set(['c', 'tab', 'tc']);
/** A tag longer than this is skipped without being kept (attributes of any length stay bounded). */
const MAX_TAG_KEPT = 256;

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|[a-z]{2,4});/g, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code = name.startsWith('#x') ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[name] ?? whole;
  });
}

/** Separator for the tag buf[lt..gt] ('<' … '>'): only closing and self-closing tags give one. */
function separatorFor(buf: string, lt: number, gt: number): string {
  const closing = buf.charCodeAt(lt + 1) === 0x2f;
  if (!closing && buf.charCodeAt(gt - 1) !== 0x2f) return '';
  let nameStart = lt + (closing ? 2 : 1);
  let nameEnd = nameStart;
  for (; nameEnd < gt; nameEnd++) {
    const c = buf.charCodeAt(nameEnd);
    if (c === 0x3a) nameStart = nameEnd + 1; // the prefix ends at ':'
    else if (c === 0x20 || c === 0x2f || c === 0x09 || c === 0x0a || c === 0x0d) break;
  }
  if (nameEnd - nameStart > 8) return '';
  const local = buf.slice(nameStart, nameEnd);
  if (NEWLINE_AFTER.has(local)) return '\n';
  if (TAB_AFTER.has(local)) return '\t';
  return '';
}

export interface XmlTextExtractor {
  /** Text found in this piece of the document (may be empty). */
  push(xml: string): string;
  end(): string;
}

export function createXmlTextExtractor(): XmlTextExtractor {
  /** An unfinished tag (its head, at most MAX_TAG_KEPT characters) or entity from the previous piece. */
  let carry = '';
  return {
    push(xml) {
      // Pieces are never concatenated with the carry: a cons string makes every charCodeAt slow.
      let at = 0;
      let out = '';
      let textPrefix = '';
      if (carry.startsWith('<')) {
        const gt = xml.indexOf('>');
        if (gt === -1) {
          if (carry.length < MAX_TAG_KEPT) carry += xml.slice(0, MAX_TAG_KEPT - carry.length);
          return '';
        }
        // The head names the tag; the character before '>' says whether it closes itself.
        const before = gt > 0 ? xml.charAt(gt - 1) : carry.charAt(carry.length - 1);
        const tag = `${carry}${xml.slice(0, Math.min(gt, MAX_TAG_KEPT))} ${before}>`;
        out += separatorFor(tag, 0, tag.length - 1);
        at = gt + 1;
      } else {
        textPrefix = carry;
      }
      carry = '';
      while (at < xml.length) {
        const lt = xml.indexOf('<', at);
        if (lt === -1) {
          let text = textPrefix + xml.slice(at);
          // An entity may continue in the next piece: keep a trailing '&…' without its ';'.
          const amp = text.lastIndexOf('&');
          if (amp !== -1 && text.length - amp < 12 && !text.includes(';', amp)) {
            carry = text.slice(amp);
            text = text.slice(0, amp);
          }
          out += decodeEntities(text);
          textPrefix = '';
          break;
        }
        if (lt > at || textPrefix) out += decodeEntities(textPrefix + xml.slice(at, lt));
        textPrefix = '';
        const gt = xml.indexOf('>', lt + 1);
        if (gt === -1) {
          carry = xml.slice(lt, lt + MAX_TAG_KEPT);
          break;
        }
        out += separatorFor(xml, lt, gt);
        at = gt + 1;
      }
      if (textPrefix) carry = textPrefix; // an empty piece keeps what was carried
      return out;
    },
    end() {
      const rest = carry.startsWith('<') ? '' : decodeEntities(carry);
      carry = '';
      return rest;
    },
  };
}
