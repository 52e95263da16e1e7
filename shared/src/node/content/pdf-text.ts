/**
 * PDF text, page by page: the page tree from the catalog (or, when it is damaged, every object typed
 * /Page), each page's content streams run with its fonts, so text in two-byte Type0/CID fonts
 * (Identity-H, how nearly every Chinese PDF and every PDF printed by Chromium, Word or LibreOffice
 * embeds its fonts) is read through the fonts' ToUnicode maps. Codes no map explains are counted, so
 * the caller can say the file was not fully read. A PDF without readable pages falls back to reading
 * shown strings from every stream as single-byte text.
 */
import { LimitReached, type LimitName } from './extraction-limits';
import { readContentText, TextSink } from './pdf-content';
import { PdfDocument, type PdfReadLimits } from './pdf-objects';
import { scanStreamsForText } from './pdf-stream-scan';
import { PdfRef, PdfStream, isDict, type PdfDict, type PdfValue } from './pdf-syntax';

export type PdfText =
  | {
      kind: 'text';
      text: string;
      /** Pages (or, in the fallback, streams) that showed text. */
      streams: number;
      /** Character codes in composite fonts with no ToUnicode map (their text is missing). */
      unmappedCodes: number;
      /** Set when a limit stopped extraction; `text` holds what was read before. */
      limit?: LimitName;
    }
  | { kind: 'encrypted' }
  | { kind: 'unparseable'; detail: string };

export type PdfTextLimits = PdfReadLimits;

/** Pages kept per file; beyond it the rest of a (hostile) page tree is not walked. */
const MAX_PAGES = 100_000;

interface PageRef {
  page: PdfDict;
  resources: PdfDict | undefined;
}

/** Pages in reading order, with inherited /Resources; loops and repeated nodes are visited once. */
function pagesOf(doc: PdfDocument): PageRef[] {
  const pages: PageRef[] = [];
  const seen = new Set<PdfValue>();
  const walk: { node: PdfValue | undefined; resources: PdfDict | undefined }[] = [{ node: doc.catalog()?.get('Pages'), resources: undefined }];
  while (walk.length > 0 && pages.length < MAX_PAGES) {
    const { node, resources } = walk.pop() as (typeof walk)[number];
    const key = node instanceof PdfRef ? node.num : node;
    if (key === undefined || seen.has(key)) continue;
    seen.add(key);
    const dict = doc.dict(node);
    if (!dict) continue;
    const own = doc.dict(dict.get('Resources')) ?? resources;
    const kids = doc.resolve(dict.get('Kids'));
    if (Array.isArray(kids)) {
      for (let i = kids.length - 1; i >= 0; i--) walk.push({ node: kids[i], resources: own });
    } else if (dict.get('Type') === 'Page' || dict.has('Contents')) {
      pages.push({ page: dict, resources: own });
    }
  }
  if (pages.length > 0) return pages;
  // No usable tree (truncated file): every page object, in file order, with its own resources.
  for (const v of doc.allObjects()) {
    if (isDict(v) && v.get('Type') === 'Page' && pages.length < MAX_PAGES) pages.push({ page: v, resources: doc.dict(v.get('Resources')) });
  }
  return pages;
}

/** A page's content: one stream or an array of them, joined as the spec says (a token may span two). */
function pageContent(doc: PdfDocument, page: PdfDict): Buffer | undefined {
  const contents = doc.resolve(page.get('Contents'));
  const streams = Array.isArray(contents) ? contents.map((c) => doc.resolve(c)) : [contents];
  const parts: Buffer[] = [];
  for (const stream of streams) {
    if (!(stream instanceof PdfStream)) continue;
    const bytes = doc.decode(stream);
    if (bytes) parts.push(bytes, Buffer.from('\n'));
  }
  return parts.length > 0 ? Buffer.concat(parts) : undefined;
}

function readPages(doc: PdfDocument, pages: PageRef[], sink: TextSink): number {
  let withText = 0;
  for (const { page, resources } of pages) {
    const content = pageContent(doc, page);
    if (!content) continue;
    if (readContentText(doc, sink, content, resources) > 0) withText++;
    sink.push('\n');
  }
  return withText;
}

/**
 * Extracts the text of `pdf` within `limits` (inflated bytes; `spend` also checks the scan's
 * clock). Never throws: a limit gives the text read so far with `limit` set.
 */
export function extractPdfText(pdf: Buffer, limits: PdfTextLimits): PdfText {
  const latin = pdf.toString('latin1');
  if (!latin.startsWith('%PDF-')) return { kind: 'unparseable', detail: 'no PDF header' };
  if (/\/Encrypt\s/.test(latin.slice(-4096)) || /\/Encrypt\s+\d+\s+\d+\s+R/.test(latin)) return { kind: 'encrypted' };
  let doc: PdfDocument | undefined;
  let sink: TextSink | undefined;
  try {
    doc = new PdfDocument(pdf, limits, latin);
    sink = new TextSink(doc);
    const pages = pagesOf(doc);
    if (pages.length === 0) {
      const fallback = scanStreamsForText(pdf, limits.maxInflatedBytes - doc.inflated, limits.spend);
      return { kind: 'text', text: fallback.text, streams: fallback.streams, unmappedCodes: 0 };
    }
    const streams = readPages(doc, pages, sink);
    return { kind: 'text', text: sink.parts.join(''), streams, unmappedCodes: sink.unmapped };
  } catch (err) {
    if (!(err instanceof LimitReached)) return { kind: 'unparseable', detail: `pdf: ${err instanceof Error ? err.message : String(err)}` };
    return { kind: 'text', text: sink?.parts.join('') ?? '', streams: 0, unmappedCodes: sink?.unmapped ?? 0, limit: err.limit };
  }
}
