/**
 * Office Open XML parts as a stream of tags and text nodes, for the xlsx rewrites: each complete tag
 * (quotes respected, comments, CDATA and processing instructions kept whole) and each whole text node
 * is handed on; a piece that ends inside one waits for the next. Entities are decoded for values and
 * encoded again for replacements.
 */
import { MAX_VALUE_CHARS, MaskInputError } from './cell-sink';

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function decodeXmlEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|[a-z]{2,4});/g, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code = name.startsWith('#x') ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[name] ?? whole;
  });
}

export const encodeXmlText = (text: string): string => text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
export const encodeXmlAttribute = (text: string): string => text.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));

export interface TagInfo {
  /** Local name, prefix dropped (`x:c` → `c`); '' for comments, CDATA, declarations. */
  name: string;
  closing: boolean;
  selfClosing: boolean;
}

export function tagInfo(raw: string): TagInfo {
  const second = raw.charAt(1);
  if (second === '!' || second === '?') return { name: '', closing: false, selfClosing: true };
  const closing = second === '/';
  let start = closing ? 2 : 1;
  let end = start;
  for (; end < raw.length; end++) {
    const c = raw.charAt(end);
    if (c === ':') start = end + 1;
    else if (c === ' ' || c === '/' || c === '>' || c === '\t' || c === '\n' || c === '\r') break;
  }
  return { name: raw.slice(start, end), closing, selfClosing: !closing && raw.charAt(raw.length - 2) === '/' };
}

/** An attribute's raw (undecoded) value in a start tag, by local name. */
export function attribute(raw: string, name: string): string | undefined {
  const match = new RegExp(`[\\s:]${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(raw);
  return match ? (match[1] ?? match[2]) : undefined;
}

const ATTRIBUTE_VALUE = /(=\s*)(["'])([^"']*)\2/g;

/** The tag with each attribute value passed through `mask` (decoded in, encoded out); the same string when nothing changed. */
export function maskAttributes(raw: string, mask: (value: string) => string | undefined): string {
  if (!/[0-9@]/.test(raw)) return raw;
  return raw.replace(ATTRIBUTE_VALUE, (whole, eq: string, quote: string, value: string) => {
    const decoded = decodeXmlEntities(value);
    const masked = mask(decoded);
    return masked === undefined || masked === decoded ? whole : `${eq}${quote}${encodeXmlAttribute(masked)}${quote}`;
  });
}

export interface XmlHandlers {
  tag(raw: string): void;
  text(raw: string): void;
}

export class XmlSplitter {
  private carry = '';

  constructor(
    private readonly handlers: XmlHandlers,
    private readonly maxValueChars = MAX_VALUE_CHARS,
  ) {}

  push(piece: string): void {
    const text = this.carry === '' ? piece : this.carry + piece;
    let at = 0;
    const n = text.length;
    while (at < n) {
      const lt = text.indexOf('<', at);
      if (lt < 0) break; // text that may go on in the next piece
      if (lt > at) this.handlers.text(text.slice(at, lt));
      const end = tagEnd(text, lt);
      if (end < 0) {
        at = lt;
        break;
      }
      this.handlers.tag(text.slice(lt, end));
      at = end;
    }
    this.carry = text.slice(at);
    if (this.carry.length > this.maxValueChars) throw new MaskInputError('xlsx-unreadable', { detail: 'an XML text node or tag is too long' }, `xlsx: an XML text node or tag longer than ${this.maxValueChars} characters`);
  }

  end(): void {
    if (this.carry.startsWith('<')) throw new MaskInputError('xlsx-unreadable', { detail: 'an XML part ends inside a tag' }, 'xlsx: an XML part ends inside a tag (truncated file?)');
    if (this.carry !== '') this.handlers.text(this.carry);
    this.carry = '';
  }
}

/** Index after the tag starting at `lt`, or -1 when it is not complete in `text`. */
function tagEnd(text: string, lt: number): number {
  if (text.startsWith('<!--', lt)) {
    const close = text.indexOf('-->', lt + 4);
    return close < 0 ? -1 : close + 3;
  }
  if (text.startsWith('<![CDATA[', lt)) {
    const close = text.indexOf(']]>', lt + 9);
    return close < 0 ? -1 : close + 3;
  }
  let quote = '';
  for (let i = lt + 1; i < text.length; i++) {
    const c = text.charAt(i);
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i + 1;
  }
  return -1;
}
