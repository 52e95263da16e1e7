import { dottedPath, fieldIdOf, unknownKeys, valueAt, withValueAt } from './document-path';

describe('document paths', () => {
  const document = { name: 'P', apps: { rules: [{ id: 'a', value: '/x' }], mood: 'calm' }, printers: { on: true } };

  it('reads values by path and gives undefined where a step is missing', () => {
    expect(valueAt(document, ['apps', 'rules', 0, 'value'])).toBe('/x');
    expect(valueAt(document, ['usb', 'rules', 0])).toBeUndefined();
    expect(valueAt(document, ['apps', 'rules', 'x'])).toBeUndefined();
  });

  it('writes a copy, keeping every other field (unknown ones too) and leaving the original alone', () => {
    const next = withValueAt(document, ['apps', 'rules', 0, 'value'], 'C:\\Program Files\\**');
    expect(next).toEqual({ ...document, apps: { ...document.apps, rules: [{ id: 'a', value: 'C:\\Program Files\\**' }] } });
    expect(document.apps.rules[0]?.value).toBe('/x');
    expect(Object.keys(next as object)).toEqual(['name', 'apps', 'printers']);
  });

  it('creates missing sections and removes a key written as undefined', () => {
    expect(withValueAt({ name: 'P' }, ['hardening', 'memfdNoexec'], true)).toEqual({ name: 'P', hardening: { memfdNoexec: true } });
    expect(withValueAt({ name: 'P', description: 'd' }, ['description'], undefined)).toEqual({ name: 'P' });
    expect(withValueAt({}, ['usb', 'rules', 0, 'id'], 'u')).toEqual({ usb: { rules: [{ id: 'u' }] } });
  });

  it('names paths as the console does and makes DOM ids of them', () => {
    expect(dottedPath(['apps', 'rules', 0, 'value'])).toBe('apps.rules.0.value');
    expect(fieldIdOf('apps.rules.0.value')).toBe('pf-apps-rules-0-value');
    expect(unknownKeys(document.apps, ['rules', 'enabled'])).toEqual(['mood']);
  });
});
