/**
 * Text normalisation before matching. Every replacement maps one UTF-16 unit to one, so offsets in
 * the normalised text are offsets in the original (context words and chunk overlap rely on that).
 */

/**
 * Full-width digits, letters, + - . @, ideographic and no-break spaces, Unicode dashes. Other
 * full-width punctuation (，：（）) is left alone: it already separates values, and Chinese prose
 * is full of it, so replacing it would cost time on nearly every chunk for nothing.
 */
const NEEDS_NORMALISING = /[\u00A0\u2010-\u2015\u2212\u3000\uFF0B\uFF0D\uFF0E\uFF10-\uFF19\uFF20-\uFF3A\uFF41-\uFF5A]/;
const NORMALISE_ALL = new RegExp(NEEDS_NORMALISING.source, 'g');

function toAscii(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code >= 0xff01 && code <= 0xff5e) return String.fromCharCode(code - 0xfee0);
  if (code === 0x3000 || code === 0x00a0) return ' ';
  return '-';
}

/** Full-width digits, letters, + - . @ to ASCII; odd spaces to ' '; dashes to '-'. Length-preserving. */
export function normaliseText(text: string): string {
  // The test is a fast scan; most text has nothing to replace and is returned as is.
  return NEEDS_NORMALISING.test(text) ? text.replace(NORMALISE_ALL, toAscii) : text;
}
