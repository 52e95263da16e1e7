import { issuesByPath, parseDraftText } from './draft-json';

describe('parseDraftText', () => {
  it('gives the value of valid JSON and a message for broken JSON', () => {
    expect(parseDraftText('{"mode":"monitor"}')).toEqual({ ok: true, value: { mode: 'monitor' } });
    const broken = parseDraftText('{"mode":');
    expect(broken.ok).toBe(false);
  });
});

describe('issuesByPath', () => {
  it('lists each field path once with every problem found there', () => {
    expect(
      issuesByPath([
        { path: 'apps.rules.0.value', message: 'sha256 rules need 64 lowercase hex characters' },
        { path: 'mode', message: 'Invalid option' },
        { path: 'apps.rules.0.value', message: 'too long' },
      ]),
    ).toEqual([
      { path: 'apps.rules.0.value', messages: ['sha256 rules need 64 lowercase hex characters', 'too long'] },
      { path: 'mode', messages: ['Invalid option'] },
    ]);
  });
});
