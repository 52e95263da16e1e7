/** What a file is, from its first bytes (and, for an Office document, the names inside the zip). */
import type { ZipEntry } from './zip-reader';

export type FileFormat = 'text' | 'docx' | 'xlsx' | 'pptx' | 'zip' | 'pdf' | 'legacy-office' | 'binary';

export type Magic = 'zip' | 'pdf' | 'cfb' | 'other';

export function sniffMagic(head: Uint8Array): Magic {
  if (head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5) && (head[3] === 4 || head[3] === 6)) return 'zip';
  if (Buffer.from(head.subarray(0, 5)).toString('latin1') === '%PDF-') return 'pdf';
  const cfb = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
  if (cfb.every((byte, i) => head[i] === byte)) return 'cfb';
  return 'other';
}

/** docx, xlsx or pptx by the parts every such package has; otherwise a plain zip. */
export function zipFormat(entries: readonly ZipEntry[]): 'docx' | 'xlsx' | 'pptx' | 'zip' {
  const names = new Set(entries.map((e) => e.name));
  if (!names.has('[Content_Types].xml')) return 'zip';
  if (names.has('word/document.xml')) return 'docx';
  if (names.has('xl/workbook.xml')) return 'xlsx';
  if (names.has('ppt/presentation.xml')) return 'pptx';
  return 'zip';
}

/** The parts of a package that hold the document's text. */
const TEXT_PARTS: Record<'docx' | 'xlsx' | 'pptx', RegExp> = {
  docx: /^word\/(?:document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml$/,
  xlsx: /^xl\/(?:sharedStrings|worksheets\/sheet\d+|comments\d*)\.xml$/,
  pptx: /^ppt\/(?:slides\/slide\d+|notesSlides\/notesSlide\d+)\.xml$/,
};

export function isTextPart(format: 'docx' | 'xlsx' | 'pptx', name: string): boolean {
  return TEXT_PARTS[format].test(name);
}

/** An Office Open XML name: encrypted OOXML is an OLE compound file (CFB) holding an EncryptedPackage. */
export function hasOoxmlExtension(name: string): boolean {
  return /\.(?:docx|docm|xlsx|xlsm|pptx|pptm)$/i.test(name);
}
