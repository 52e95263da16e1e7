import { jsonLinesByPath, lineOfPath } from './json-lines';

describe('jsonLinesByPath', () => {
  it('finds the line of every value in pretty-printed JSON', () => {
    const text = JSON.stringify({ name: 'P', apps: { rules: [{ id: 'a', value: 'x' }, { id: 'b', value: 'C:\\\\Tools\\\\**' }] } }, null, 2);
    const lines = jsonLinesByPath(text);
    const expected = text.split('\n').findIndex((line) => line.includes('C:')) + 1;
    expect(lines.get('apps.rules.1.value')).toBe(expected);
    expect(lines.get('name')).toBe(2);
    expect(lineOfPath(lines, 'apps.rules.1.value')).toBe(expected);
  });

  it('copes with any layout and with strings holding brackets and escaped quotes', () => {
    const text = '{"a": "}\\"]", "b":\n\n  [1,\n {"c": null}]}';
    const lines = jsonLinesByPath(text);
    expect(lines.get('b.1.c')).toBe(4);
    expect(lines.get('a')).toBe(1);
  });

  it('points a missing field at its nearest ancestor and stops at broken JSON', () => {
    const lines = jsonLinesByPath('{\n  "apps": {\n    "rules": []\n  }\n}');
    expect(lineOfPath(lines, 'apps.rules.0.value')).toBe(3);
    expect(lineOfPath(lines, '(root)')).toBe(1);
    expect(jsonLinesByPath('{\n "a": 1,\n "b": ').get('a')).toBe(2);
  });
});
