/**
 * Where each value of a JSON text starts (1-based line), by dotted path, so an issue such as
 * `apps.rules.0.value` can point at its line in whatever layout the author typed. A small scanner
 * rather than JSON.parse, which keeps no positions; it stops quietly at the first syntax error.
 */
export function jsonLinesByPath(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let index = 0;
  let line = 1;

  const skipSpace = () => {
    while (index < text.length && /\s/.test(text[index] ?? '')) {
      if (text[index] === '\n') line += 1;
      index += 1;
    }
  };
  const readString = (): string => {
    const start = index;
    index += 1;
    while (index < text.length && text[index] !== '"') index += text[index] === '\\' ? 2 : 1;
    index += 1;
    try {
      return JSON.parse(text.slice(start, index)) as string;
    } catch {
      return text.slice(start + 1, index - 1);
    }
  };
  const readValue = (path: string): boolean => {
    skipSpace();
    lines.set(path, line);
    const char = text[index];
    if (char === '{') return readContainer(path, '}', true);
    if (char === '[') return readContainer(path, ']', false);
    if (char === '"') {
      readString();
      return true;
    }
    const start = index;
    while (index < text.length && /[^\s,\]}]/.test(text[index] ?? '')) index += 1;
    return index > start;
  };
  const readContainer = (path: string, close: string, keyed: boolean): boolean => {
    index += 1;
    for (let position = 0; ; position += 1) {
      skipSpace();
      if (text[index] === close) {
        index += 1;
        return true;
      }
      let key = String(position);
      if (keyed) {
        if (text[index] !== '"') return false;
        key = readString();
        skipSpace();
        if (text[index] !== ':') return false;
        index += 1;
      }
      if (!readValue(path === '' ? key : `${path}.${key}`)) return false;
      skipSpace();
      if (text[index] === ',') index += 1;
      else if (text[index] !== close) return false;
    }
  };

  readValue('');
  return lines;
}

/**
 * The line of `dotted`, or of its nearest ancestor that the text has (a missing field's issue
 * points at the object that should hold it); null when the text has none of them.
 */
export function lineOfPath(lines: ReadonlyMap<string, number>, dotted: string): number | null {
  const steps = dotted === '(root)' ? [] : dotted.split('.');
  for (let length = steps.length; length >= 0; length -= 1) {
    const found = lines.get(steps.slice(0, length).join('.'));
    if (found !== undefined) return found;
  }
  return null;
}
