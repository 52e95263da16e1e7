import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { appsSection } from '@dlp/shared';
import { resolveProgramNameAliases, withResolvedNameRules } from './program-name-aliases';

describe('program name aliases', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'dlp-names-'));
    for (const dir of ['usr/bin', 'usr/local/bin', 'etc/alternatives']) mkdirSync(path.join(root, dir), { recursive: true });
    writeFileSync(path.join(root, 'usr/bin/python3.11'), '');
    symlinkSync('python3.11', path.join(root, 'usr/bin/python3'));
    writeFileSync(path.join(root, 'usr/bin/vim.basic'), '');
    // An absolute link is read under the host root, never on the real host.
    symlinkSync('/etc/alternatives/editor', path.join(root, 'usr/bin/editor'));
    symlinkSync('/usr/bin/vim.basic', path.join(root, 'etc/alternatives/editor'));
    symlinkSync('loop-b', path.join(root, 'usr/local/bin/loop-a'));
    symlinkSync('loop-a', path.join(root, 'usr/local/bin/loop-b'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('follows relative links and /etc/alternatives chains in a fake root, and stops on loops', async () => {
    expect(await resolveProgramNameAliases('python3', root)).toEqual(['python3.11']);
    expect(await resolveProgramNameAliases('editor', root)).toEqual(['vim.basic']);
    expect(await resolveProgramNameAliases('vim.basic', root)).toEqual([]);
    expect(await resolveProgramNameAliases('loop-a', root)).toEqual(['loop-b']);
    expect(await resolveProgramNameAliases('missing', root)).toEqual([]);
  });

  it('adds the resolved names to a name rule under the same rule id', async () => {
    const apps = appsSection.parse({ rules: [{ id: 'no-python', action: 'block', kind: 'name', value: 'python3' }, { id: 'hash', action: 'block', kind: 'sha256', value: 'a'.repeat(64) }] });
    const expanded = await withResolvedNameRules(apps, root);
    expect(expanded.rules.map((r) => [r.id, r.kind, r.value])).toEqual([
      ['no-python', 'name', 'python3'],
      ['no-python', 'name', 'python3.11'],
      ['hash', 'sha256', 'a'.repeat(64)],
    ]);
  });

  it('on the real host, python3 resolves to the file the kernel reports', async () => {
    const real = path.basename(realpathSync('/usr/bin/python3'));
    expect(real).not.toBe('python3');
    expect(await resolveProgramNameAliases('python3')).toContain(real);
  });
});
