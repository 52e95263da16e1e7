/**
 * Rewrites of the XML parts of an xlsx workbook, streamed:
 *  - a worksheet: each cell's value (inline string, number, formula result) goes to the sink with its
 *    sheet, column (from its `r` reference) and row; shared-string cells are only reported (their text
 *    lives in sharedStrings.xml), formulas and text outside cells (headers, footers) are free text;
 *  - the shared-string table: each string, by index, to a handler;
 *  - any other XML part (comments, relationships, pivot caches, properties): text nodes and attribute
 *    values as free text, so a copy of the data elsewhere in the package is masked too.
 * Only changed values are written anew; a changed rich-text string becomes one plain run.
 */
import { CELL_NUMERIC, CELL_VERBATIM, newCounts, type CellRole, type CellSink, type FormatTransform } from './cell-sink';
import { XmlSplitter, attribute, decodeXmlEntities, encodeXmlText, maskAttributes, tagInfo } from './xml-stream';

/** Column index (from 0) of a cell reference such as `AB12`, or undefined. */
export function columnOfReference(reference: string): number | undefined {
  const letters = /^([A-Z]{1,3})\d*$/.exec(reference)?.[1];
  if (!letters) return undefined;
  let index = 0;
  for (const ch of letters) index = index * 26 + (ch.charCodeAt(0) - 64);
  return index - 1;
}

/** A shared-string cell: which string, where. */
export type SharedStringRef = (column: number, row: number, role: CellRole, index: number) => void;

interface Item {
  tag: boolean;
  raw: string;
}

function xmlTransform(onItem: (item: Item, out: string[]) => void, onEnd: (out: string[]) => void, emit: boolean): FormatTransform {
  const counts = newCounts();
  let out: string[] = [];
  const splitter = new XmlSplitter({ tag: (raw) => onItem({ tag: true, raw }, out), text: (raw) => onItem({ tag: false, raw }, out) });
  const take = (): string => {
    const text = emit ? out.join('') : '';
    out = [];
    return text;
  };
  return {
    counts,
    push(piece) {
      splitter.push(piece);
      return take();
    },
    end() {
      splitter.end();
      onEnd(out);
      return take();
    },
  };
}

/** Free-text masking of a text node (verbatim when it had no entity) or attribute value (never: the extracted text has no attributes). */
function freeText(sink: CellSink, table: string, line: () => number): (value: string, verbatim?: boolean) => string | undefined {
  return (value, verbatim = false) => sink.cell(table, 'text', line(), 'text', value, verbatim ? CELL_VERBATIM : 0);
}

const verbatimText = (raw: string): boolean => !raw.includes('&');

export function createSheetTransform(sink: CellSink, sheet: string, options: { emit: boolean; onSharedString?: SharedStringRef }): FormatTransform {
  let row = 0;
  let rowsSeen = 0;
  let column = -1;
  let cell: Item[] | undefined;
  const masked = freeText(sink, sheet, () => row);
  const transform = xmlTransform((item, out) => {
    if (cell) {
      cell.push(item);
      if (item.tag && tagInfo(item.raw).name === 'c' && tagInfo(item.raw).closing) {
        out.push(...finishCell(cell));
        cell = undefined;
      }
      return;
    }
    if (!item.tag) {
      const value = decodeXmlEntities(item.raw);
      const replacement = value.trim() === '' ? undefined : masked(value, verbatimText(item.raw));
      out.push(replacement === undefined || replacement === value ? item.raw : encodeXmlText(replacement));
      return;
    }
    const info = tagInfo(item.raw);
    if (info.name === 'row' && !info.closing) {
      const r = Number(attribute(item.raw, 'r'));
      row = Number.isInteger(r) && r > 0 ? r : row + 1;
      rowsSeen++;
      transform.counts.rows++;
      column = -1;
    }
    if (info.name === 'c' && !info.closing) {
      column = columnOfReference(attribute(item.raw, 'r') ?? '') ?? column + 1;
      if (!info.selfClosing) {
        cell = [item];
        return;
      }
    }
    out.push(maskAttributes(item.raw, masked));
  }, () => undefined, options.emit);

  /** The cell's items, with its value replaced where the sink says so. */
  function finishCell(items: Item[]): string[] {
    const start = items[0]?.raw ?? '';
    const type = attribute(start, 't') ?? 'n';
    const role: CellRole = rowsSeen === 1 ? 'first' : 'data';
    const raws = items.map((i) => i.raw);
    // Children by local name: the text item right after <v>, <f>, and the <t> runs of an inline string.
    let inside = '';
    const inlineTexts: number[] = [];
    for (let k = 0; k < items.length; k++) {
      const item = items[k] as Item;
      if (item.tag) {
        const info = tagInfo(item.raw);
        if (!info.closing && !info.selfClosing && (info.name === 'v' || info.name === 'f' || info.name === 't')) inside = info.name;
        else inside = '';
        continue;
      }
      if (inside === 't' && type === 'inlineStr') inlineTexts.push(k);
      else if (inside === 'f') {
        const value = decodeXmlEntities(item.raw);
        const replacement = masked(value, verbatimText(item.raw));
        if (replacement !== undefined && replacement !== value) raws[k] = encodeXmlText(replacement);
      } else if (inside === 'v') {
        if (type === 's') {
          const index = Number(item.raw);
          if (Number.isInteger(index) && index >= 0) options.onSharedString?.(column, row, role, index);
        } else if (type === 'n' || type === 'str' || type === 'd') {
          const value = decodeXmlEntities(item.raw);
          const replacement = sink.cell(sheet, column, row, role, value, (type === 'n' ? CELL_NUMERIC : 0) | (verbatimText(item.raw) ? CELL_VERBATIM : 0));
          if (replacement !== undefined && replacement !== value) raws[k] = encodeXmlText(replacement);
        }
      }
    }
    if (inlineTexts.length > 0) {
      const value = inlineTexts.map((k) => decodeXmlEntities(items[k]?.raw ?? '')).join('');
      const verbatim = inlineTexts.every((k) => verbatimText(items[k]?.raw ?? ''));
      const replacement = sink.cell(sheet, column, row, role, value, verbatim ? CELL_VERBATIM : 0);
      if (replacement !== undefined && replacement !== value) {
        inlineTexts.forEach((k, n) => (raws[k] = n === 0 ? encodeXmlText(replacement) : ''));
      }
    }
    return raws;
  }

  return transform;
}

/** sharedStrings.xml: `handler(index, text, flags)` returns the replacement of string `index`, or undefined. */
export function createSharedStringsTransform(handler: (index: number, text: string, flags: number) => string | undefined, options: { emit: boolean }): FormatTransform {
  let index = -1;
  let si: Item[] | undefined;
  let phonetic = 0;
  const transform = xmlTransform((item, out) => {
    const info = item.tag ? tagInfo(item.raw) : undefined;
    if (info?.name === 'si' && !info.closing) {
      index++;
      if (info.selfClosing) {
        transform.counts.rows++;
        out.push(item.raw);
        return;
      }
      si = [item];
      return;
    }
    if (!si) {
      out.push(item.raw);
      return;
    }
    si.push(item);
    if (info?.name !== 'si' || !info.closing) return;
    out.push(...finishString(si, index));
    transform.counts.rows++;
    si = undefined;
  }, () => undefined, options.emit);

  function finishString(items: Item[], at: number): string[] {
    const raws = items.map((i) => i.raw);
    const texts: number[] = [];
    let inT = false;
    phonetic = 0;
    items.forEach((item, k) => {
      if (item.tag) {
        const info = tagInfo(item.raw);
        // Phonetic runs (<rPh>) are readings, not the string.
        if (info.name === 'rPh' && !info.selfClosing) phonetic += info.closing ? -1 : 1;
        inT = info.name === 't' && !info.closing && !info.selfClosing;
      } else if (inT && phonetic === 0) texts.push(k);
    });
    const value = texts.map((k) => decodeXmlEntities(items[k]?.raw ?? '')).join('');
    const replacement = handler(at, value, texts.every((k) => verbatimText(items[k]?.raw ?? '')) ? CELL_VERBATIM : 0);
    if (replacement === undefined || replacement === value) return raws;
    if (texts.length === 1) {
      raws[texts[0] ?? 0] = encodeXmlText(replacement);
      return raws;
    }
    // A changed rich-text string (or one value split over runs) becomes one plain run.
    return [items[0]?.raw ?? '<si>', `<t xml:space="preserve">${encodeXmlText(replacement)}</t>`, '</si>'];
  }

  return transform;
}

/** Any other XML part: text nodes and attribute values as free text of `table`. */
export function createXmlValuesTransform(sink: CellSink, table: string, options: { emit: boolean }): FormatTransform {
  const masked = freeText(sink, table, () => 0);
  return xmlTransform((item, out) => {
    if (item.tag) {
      out.push(maskAttributes(item.raw, masked));
      return;
    }
    const value = decodeXmlEntities(item.raw);
    const replacement = value.trim() === '' ? undefined : masked(value, verbatimText(item.raw));
    out.push(replacement === undefined || replacement === value ? item.raw : encodeXmlText(replacement));
  }, () => undefined, options.emit);
}
