/**
 * Runs a page's content stream far enough to read its text: the font chosen by each `Tf`, the
 * strings shown by Tj/TJ/'/", and the text matrix, so that glyphs drawn one by one (as Chromium and
 * Word do) join into words while separate cells and lines stay apart. Marked content with
 * /ActualText replaces the glyphs it covers (Chromium spells some CJK characters that way), and Form
 * XObjects are entered, to a bounded depth and never recursively.
 */
import { LimitReached } from './extraction-limits';
import { loadFont, type PdfFont } from './pdf-fonts';
import type { PdfDocument } from './pdf-objects';
import { PdfKeyword, PdfLexer, PdfStream, PdfSyntaxError, decodeTextString, isDict, type PdfDict, type PdfValue } from './pdf-syntax';

const MAX_FORM_DEPTH = 8;
const MAX_STATE_STACK = 64;
/** Operators between two looks at the clock. */
const CLOCK_EVERY = 8192;

/** What one extraction has produced so far, over all pages. */
export class TextSink {
  readonly parts: string[] = [];
  length = 0;
  unmapped = 0;
  /** Content bytes interpreted, forms counted each time they are drawn. */
  work = 0;

  constructor(private readonly doc: PdfDocument) {}

  push(text: string): void {
    this.parts.push(text);
    this.length += text.length;
    if (this.length > this.doc.limits.maxInflatedBytes) throw new LimitReached('max-entry-inflated');
  }

  charge(bytes: number): void {
    this.work += bytes;
    if (this.work > this.doc.limits.maxInflatedBytes) throw new LimitReached('max-entry-inflated');
    this.doc.limits.spend?.(0);
  }
}

interface TextState {
  font: PdfFont | undefined;
  size: number;
  charSpacing: number;
  wordSpacing: number;
  scale: number;
  leading: number;
}

/** Where the last shown string ended, in the stream's user space, and its font size there. */
interface Pen {
  x: number;
  y: number;
  dirX: number;
  dirY: number;
  em: number;
}

const num = (v: PdfValue | undefined): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

class ContentRun {
  private readonly tm = [1, 0, 0, 1, 0, 0];
  private readonly tlm = [1, 0, 0, 1, 0, 0];
  private state: TextState = { font: undefined, size: 0, charSpacing: 0, wordSpacing: 0, scale: 1, leading: 0 };
  private readonly saved: TextState[] = [];
  private pen: Pen | undefined;
  /** Open marked-content sequences; an ActualText one replaces the glyphs inside it. */
  private readonly marked: { actual?: string; emitted: boolean }[] = [];
  private readonly fonts = new Map<string, PdfFont | undefined>();
  shows = 0;

  constructor(private readonly doc: PdfDocument, private readonly sink: TextSink, private readonly resources: PdfDict | undefined, private readonly forms: Set<PdfStream>) {}

  run(bytes: Buffer): void {
    this.sink.charge(bytes.length);
    const lexer = new PdfLexer(bytes);
    // One operand array for the whole stream: operators read their operands and keep none of them.
    const operands: PdfValue[] = [];
    for (let ops = 1; ; ops++) {
      try {
        const v = lexer.value(false);
        if (v === undefined) return;
        if (!(v instanceof PdfKeyword)) {
          if (operands.length < 64) operands.push(v);
          continue;
        }
        if (ops % CLOCK_EVERY === 0) this.sink.charge(0);
        if (v.word === 'BI') skipInlineImage(lexer);
        else this.operator(v.word, operands);
      } catch (err) {
        if (!(err instanceof PdfSyntaxError)) throw err; // a damaged operand or inline image: drop it and read on
      }
      operands.length = 0;
    }
  }

  private operator(op: string, o: PdfValue[]): void {
    const s = this.state;
    switch (op) {
      case 'BT':
        this.setMatrix([1, 0, 0, 1, 0, 0]);
        return;
      case 'Tf':
        s.font = typeof o[0] === 'string' ? this.font(o[0]) : undefined;
        s.size = num(o[1]);
        return;
      case 'Tc':
        s.charSpacing = num(o[0]);
        return;
      case 'Tw':
        s.wordSpacing = num(o[0]);
        return;
      case 'Tz':
        s.scale = num(o[0]) / 100;
        return;
      case 'TL':
        s.leading = num(o[0]);
        return;
      case 'Td':
        return this.moveLine(num(o[0]), num(o[1]));
      case 'TD':
        s.leading = -num(o[1]);
        return this.moveLine(num(o[0]), num(o[1]));
      case 'Tm':
        this.setMatrix(o);
        return;
      case 'T*':
        return this.moveLine(0, -s.leading);
      case 'Tj':
        return this.show(o[0]);
      case "'":
        this.moveLine(0, -s.leading);
        return this.show(o[0]);
      case '"':
        s.wordSpacing = num(o[0]);
        s.charSpacing = num(o[1]);
        this.moveLine(0, -s.leading);
        return this.show(o[2]);
      case 'TJ':
        for (const item of Array.isArray(o[0]) ? o[0] : []) {
          if (typeof item === 'number') this.advance((-item / 1000) * s.size * s.scale);
          else this.show(item);
        }
        return;
      case 'q':
        if (this.saved.length < MAX_STATE_STACK) this.saved.push({ ...s });
        return;
      case 'Q':
        this.state = this.saved.pop() ?? s;
        return;
      case 'BMC':
      case 'BDC': {
        const props = o[1];
        const actual = isDict(props) ? props.get('ActualText') : undefined;
        if (this.marked.length < MAX_STATE_STACK) this.marked.push({ actual: Buffer.isBuffer(actual) ? decodeTextString(actual) : undefined, emitted: false });
        return;
      }
      case 'EMC':
        this.marked.pop();
        return;
      case 'Do':
        if (typeof o[0] === 'string') this.drawForm(o[0]);
        return;
      default:
    }
  }

  private font(name: string): PdfFont | undefined {
    if (this.fonts.has(name)) return this.fonts.get(name);
    const dict = this.doc.dict(this.doc.dict(this.resources?.get('Font'))?.get(name));
    const font = dict ? loadFont(this.doc, dict) : undefined;
    this.fonts.set(name, font);
    return font;
  }

  private moveLine(tx: number, ty: number): void {
    const m = this.tlm;
    const e = tx * (m[0] as number) + ty * (m[2] as number) + (m[4] as number);
    m[5] = tx * (m[1] as number) + ty * (m[3] as number) + (m[5] as number);
    m[4] = e;
    for (let i = 0; i < 6; i++) this.tm[i] = m[i] as number;
  }

  /** Text and line matrix both set (BT, Tm); kept as two arrays changed in place. */
  private setMatrix(values: readonly PdfValue[]): void {
    for (let i = 0; i < 6; i++) this.tm[i] = this.tlm[i] = num(values[i]);
  }

  private advance(tx: number): void {
    this.tm[4] = (this.tm[4] as number) + tx * (this.tm[0] as number);
    this.tm[5] = (this.tm[5] as number) + tx * (this.tm[1] as number);
  }

  private show(value: PdfValue | undefined): void {
    const s = this.state;
    if (!Buffer.isBuffer(value) || !s.font) return;
    this.shows++;
    const shown = s.font.show(value);
    this.sink.unmapped += shown.unmapped;
    const a = this.tm[0] as number;
    const b = this.tm[1] as number;
    const length = Math.hypot(a, b) || 1;
    const start = { x: this.tm[4] as number, y: this.tm[5] as number, dirX: a / length, dirY: b / length, em: Math.abs(s.size) * length || 1 };
    this.advance(((shown.width / 1000) * s.size + s.charSpacing * shown.codes + s.wordSpacing * shown.spaces) * s.scale);
    const replacing = this.marked.find((m) => m.actual !== undefined);
    let text = shown.text;
    if (replacing) {
      text = replacing.emitted ? '' : (replacing.actual as string);
      replacing.emitted = true;
    }
    if (text !== '') {
      const gap = this.separator(start);
      if (gap) this.sink.push(gap);
      this.sink.push(text);
    }
    this.pen = { ...start, x: this.tm[4] as number, y: this.tm[5] as number };
  }

  /**
   * Nothing between glyphs that touch; a space after a gap wider than a fifth of an em (separate
   * words or table cells: digits of two values must not merge); a line break when the baseline moves.
   */
  private separator(start: Pen): string {
    const pen = this.pen;
    if (!pen) return '';
    const dx = start.x - pen.x;
    const dy = start.y - pen.y;
    const along = dx * pen.dirX + dy * pen.dirY;
    const across = -dx * pen.dirY + dy * pen.dirX;
    const em = Math.max(start.em, pen.em);
    if (Math.abs(across) > em / 2 || along < -em / 2) return '\n';
    return along > em / 5 ? ' ' : '';
  }

  private drawForm(name: string): void {
    const form = this.doc.resolve(this.doc.dict(this.resources?.get('XObject'))?.get(name));
    if (!(form instanceof PdfStream) || form.dict.get('Subtype') !== 'Form') return;
    if (this.forms.has(form) || this.forms.size >= MAX_FORM_DEPTH) return; // a form drawing itself, or nesting without end
    const bytes = this.doc.decode(form);
    if (!bytes) return;
    this.forms.add(form);
    try {
      const inner = new ContentRun(this.doc, this.sink, this.doc.dict(form.dict.get('Resources')) ?? this.resources, this.forms);
      this.sink.push('\n');
      inner.run(bytes);
      this.shows += inner.shows;
      this.sink.push('\n');
      this.pen = undefined;
    } finally {
      this.forms.delete(form);
    }
  }
}

/** Inline image data is binary: skip from ID to the EI that ends it. */
function skipInlineImage(lexer: PdfLexer): void {
  for (let v = lexer.value(false); v !== undefined; v = lexer.value(false)) {
    if (v instanceof PdfKeyword && v.word === 'ID') break;
  }
  const b = lexer.bytes;
  for (let at = b.indexOf('EI', lexer.pos, 'latin1'); at !== -1; at = b.indexOf('EI', at + 1, 'latin1')) {
    const after = b[at + 2];
    if (/\s/.test(String.fromCharCode(b[at - 1] ?? 32)) && (after === undefined || /\s/.test(String.fromCharCode(after)))) {
      lexer.pos = at + 2;
      return;
    }
  }
  lexer.pos = b.length;
}

/** Reads the text of one content stream (a page's, already joined) into `sink`; returns how many strings it showed. */
export function readContentText(doc: PdfDocument, sink: TextSink, bytes: Buffer, resources: PdfDict | undefined): number {
  const run = new ContentRun(doc, sink, resources, new Set());
  run.run(bytes);
  return run.shows;
}
