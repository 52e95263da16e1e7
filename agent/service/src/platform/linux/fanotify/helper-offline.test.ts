import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureHelperBuilt, runHelperOffline } from './testing/helper-binary';

/** The helper's own SHA-256, rule protocol and mountinfo parser, without the kernel. */
let dir: string;

beforeAll(() => {
  ensureHelperBuilt();
  dir = mkdtempSync(path.join(os.tmpdir(), 'dlp-helper-offline-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const cpuHasShaExtensions = /\bsha_ni\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));

describe('sha256 implementation choice', () => {
  it('uses the CPU SHA extensions when there are some, and portable C when told to', () => {
    const probe = (env: NodeJS.ProcessEnv) => JSON.parse(runHelperOffline(['--probe'], '', env).lines[0] ?? '{}') as { sha256?: string };
    expect(probe(process.env).sha256).toBe(cpuHasShaExtensions ? 'sha-ni' : 'portable');
    expect(probe({ ...process.env, DLP_SHA256_PORTABLE: '1' }).sha256).toBe('portable');
  });
});

describe.each([
  ['the default implementation', {}],
  ['the portable implementation', { DLP_SHA256_PORTABLE: '1' }],
])('sha256 with %s', (_name, extraEnv) => {
  function helperSha256(content: Buffer | string): string {
    const file = path.join(dir, 'content');
    writeFileSync(file, content);
    const { lines, status } = runHelperOffline(['--sha256', file], '', { ...process.env, ...extraEnv });
    expect(status).toBe(0);
    return lines[0] ?? '';
  }

  it('matches the FIPS 180-2 known answers', () => {
    expect(helperSha256('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(helperSha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(helperSha256('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    expect(helperSha256('a'.repeat(1_000_000))).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });

  it('agrees with Node on every length around the block and read-buffer boundaries', () => {
    const lengths = [1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1024 * 1024 - 1, 1024 * 1024, 3 * 1024 * 1024 + 17];
    for (const length of lengths) {
      const content = randomBytes(length);
      expect(`${length}: ${helperSha256(content)}`).toBe(`${length}: ${createHash('sha256').update(content).digest('hex')}`);
    }
  });
});

describe('rule protocol', () => {
  const goodSet = 'BEGIN 1\nMODE enforce\nRULE keep block name tool\nEND\n';
  const probe = '/opt/tool\ttool\t-\n';

  it.each([
    ['a sha256 that is not 64 lowercase hex', 'RULE r block sha256 ABC'],
    ['an unknown kind', 'RULE r block regex x'],
    ['an unknown action', 'RULE r deny name x'],
    ['a relative path rule', 'RULE r block path tmp/x'],
    ['a name with a slash', 'RULE r block name a%2Fb'],
    ['a bad rule id', 'RULE -r block name x'],
    ['a broken percent escape', 'RULE r block name a%2'],
    ['an encoded NUL', 'RULE r block name a%00b'],
    ['a bad mode', 'MODE off'],
    ['a timeout out of range', 'TIMEOUT_MS 0'],
    ['a relative trusted path', 'TRUSTED usr'],
    ['a RULE with too few fields', 'RULE r block name'],
  ])('refuses a set with %s and keeps the rules in force', (_what, badLine) => {
    const { lines } = runHelperOffline(['--decide'], `${goodSet}${probe}BEGIN 2\nRULE other allow name tool\n${badLine}\nEND\n${probe}`);
    expect(lines[0]).toBe('ready 1');
    expect(lines[1]).toBe('block keep');
    expect(lines[2]).toMatch(/^error rule set 2 rejected: /);
    expect(lines[3]).toBe('block keep');
  });

  it('refuses settings outside BEGIN/END and reports an abandoned set', () => {
    const { lines } = runHelperOffline(['--decide'], `RULE r block name x\nBEGIN 1\nBEGIN 2\nEND\nEND\n`);
    expect(lines).toEqual([
      'error RULE outside BEGIN/END',
      'error rule set 1 abandoned by a new BEGIN',
      'ready 2',
      'error END outside BEGIN/END',
    ]);
  });

  it('decodes percent-encoded values, so paths may hold spaces, newlines and percent signs', () => {
    const { lines } = runHelperOffline(['--decide'], 'BEGIN 1\nRULE odd block path /tmp/a%20b%0Ac%25d\nEND\n/tmp/a%20b%0Ac%25d\tx\t-\n/tmp/a%20b\tx\t-\n');
    expect(lines).toEqual(['ready 1', 'block odd', 'allow -']);
  });
});

describe('mountinfo parsing', () => {
  it('lists every mount point with octal escapes decoded', () => {
    const file = path.join(dir, 'mountinfo');
    writeFileSync(
      file,
      [
        '22 1 253:0 / / rw,relatime shared:1 - ext4 /dev/vda rw',
        '30 22 0:26 / /mnt/usb\\040stick rw,nosuid shared:5 - vfat /dev/sdb1 rw',
        '31 22 0:27 / /media/tab\\011and\\134back rw - tmpfs tmpfs rw',
        '',
      ].join('\n'),
    );
    const { lines, status } = runHelperOffline(['--parse-mountinfo', file]);
    expect(status).toBe(0);
    expect(lines.map((line) => (JSON.parse(line) as { mountPoint: string }).mountPoint)).toEqual([
      '/',
      '/mnt/usb stick',
      '/media/tab\tand\\back',
    ]);
  });
});
