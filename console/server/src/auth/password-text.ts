/**
 * Text folding for the password rules: what a password "looks like" to a person guessing it.
 * Passwords are still hashed exactly as typed; only the rules see these forms.
 */

/**
 * Cyrillic and Greek letters that look like Latin ones (lowercase; input is lowercased first).
 * A subset of Unicode's confusables.txt: the letters a person would swap in to dodge a rule.
 */
const CONFUSABLES: Readonly<Record<string, string>> = {
  // Cyrillic
  а: 'a', в: 'b', ь: 'b', е: 'e', ё: 'e', є: 'e', г: 'r', һ: 'h', н: 'h', і: 'i', ї: 'i', ӏ: 'l', ј: 'j', к: 'k', м: 'm', о: 'o',
  р: 'p', с: 'c', ѕ: 's', т: 't', у: 'y', ў: 'y', х: 'x', ԁ: 'd', ԛ: 'q', ԝ: 'w', п: 'n', и: 'u', ц: 'u', ш: 'w', з: '3',
  // Greek
  α: 'a', β: 'b', γ: 'y', δ: 'd', ε: 'e', ζ: 'z', η: 'n', ι: 'i', κ: 'k', μ: 'u', ν: 'v', ο: 'o', ρ: 'p', σ: 'o', ς: 'c',
  τ: 't', υ: 'u', χ: 'x', ω: 'w', ϲ: 'c', ϳ: 'j',
  // Latin look-alikes outside ASCII that NFKC keeps
  ı: 'i', ɡ: 'g', ɑ: 'a', ɩ: 'i', ʏ: 'y',
};

/** Digits and symbols people use for letters ("p@ssw0rd"). `1`, `!` and `|` stand for i or l. */
const LEET: Readonly<Record<string, string>> = {
  '0': 'o', '1': 'i', '2': 'z', '3': 'e', '4': 'a', '5': 's', '6': 'g', '7': 't', '8': 'b', '9': 'g',
  '@': 'a', $: 's', '!': 'i', '|': 'i', '+': 't', '€': 'e', '£': 'l',
};

/** The form every rule sees: Unicode NFKC (full-width letters, ligatures and compatibility forms folded). */
export function normalisePassword(password: string): string {
  return password.normalize('NFKC');
}

/** Lowercase, look-alike letters mapped to Latin, accents removed: "Ꮃаng Wéi" → "wang wei". */
export function foldLookAlikes(text: string): string {
  const lower = text.normalize('NFKC').toLowerCase();
  let mapped = '';
  for (const ch of lower) mapped += CONFUSABLES[ch] ?? ch;
  return mapped.normalize('NFD').replace(/\p{M}+/gu, '');
}

/** Leetspeak digits and symbols read as letters; `l` is read as `i` too, so 1/!/|/l/i all compare equal. */
export function readLeet(text: string): string {
  let out = '';
  for (const ch of text) out += LEET[ch] ?? (ch === 'l' ? 'i' : ch);
  return out;
}

/**
 * The comparable "skeleton" of a text: look-alikes folded, leetspeak read as letters, everything
 * but letters dropped. "W@ng.W3i" and "wang wei" have the same skeleton.
 */
export function skeleton(text: string): string {
  return readLeet(foldLookAlikes(text)).replace(/[^\p{L}]+/gu, '');
}

/**
 * The word under the decoration: leading and trailing digits, symbols and spaces removed, then
 * leetspeak read, letters only. "P@ssw0rd2024!" → "password" (with `l` read as `i`: "passwora" stays).
 */
export function baseWord(text: string): string {
  const folded = foldLookAlikes(text).replace(/\s+/gu, '');
  const stripped = folded.replace(/^[^\p{L}]+/u, '').replace(/[^\p{L}]+$/u, '');
  return readLeet(stripped).replace(/[^\p{L}]+/gu, '');
}
