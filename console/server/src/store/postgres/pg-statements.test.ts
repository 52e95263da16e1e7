import { decodeText, encodeText } from '../stored-text';
import { toPgPlaceholders } from './pg-statements';

describe('PostgreSQL placeholders', () => {
  it('numbers ? in order, leaving quoted text and comments alone', () => {
    expect(toPgPlaceholders('SELECT a FROM t WHERE a = ? AND b LIKE ? ESCAPE \'\\\' LIMIT ?')).toBe("SELECT a FROM t WHERE a = $1 AND b LIKE $2 ESCAPE '\\' LIMIT $3");
    expect(toPgPlaceholders(`SELECT '?', "we?rd" FROM t -- what's this?\n WHERE x = ?`)).toBe(`SELECT '?', "we?rd" FROM t -- what's this?\n WHERE x = $1`);
    expect(toPgPlaceholders('UPDATE t SET a = ?, b = ? WHERE c = ?')).toBe('UPDATE t SET a = $1, b = $2 WHERE c = $3');
  });

  it('encodes text PostgreSQL cannot hold, injectively and reversibly', () => {
    const values = ['plain 文本', 'a\u0000b', 'a\uE000b', 'a\uE0000b', '\u0000\uE000\u0000', 'C:\\Windows\\x.exe', ''];
    const encoded = values.map(encodeText);
    expect(encoded.some((v) => v.includes('\u0000'))).toBe(false);
    expect(new Set(encoded).size).toBe(values.length);
    expect(encoded.map(decodeText)).toEqual(values);
    expect(encodeText('plain')).toBe('plain');
    // Substrings of an original stay substrings of its encoding (LIKE searches find them).
    expect(encodeText('xa\u0000by').includes(encodeText('a\u0000b'))).toBe(true);
  });
});
