/** Dashes and white space only group the code for reading; the agent ignores them, and so do positions. */
const SEPARATOR = /[-\s]/;

/** How many code characters the employee typed (what `position` counts). */
export function countCodeCharacters(typed: string): number {
  let count = 0;
  for (const char of typed) if (!SEPARATOR.test(char)) count += 1;
  return count;
}

export interface MarkedCode {
  before: string;
  suspect: string;
  after: string;
  /** Index of the suspect character in the typed string (UTF-16), for the input's selection. */
  index: number;
}

/**
 * Splits the code as typed around the character the agent names (1-based among code characters,
 * separators not counted), so the page can mark it where the employee typed it.
 */
export function markCodePosition(typed: string, position: number): MarkedCode | null {
  let count = 0;
  let index = 0;
  for (const char of typed) {
    if (!SEPARATOR.test(char)) {
      count += 1;
      if (count === position) {
        return { before: typed.slice(0, index), suspect: char, after: typed.slice(index + char.length), index };
      }
    }
    index += char.length;
  }
  return null;
}
