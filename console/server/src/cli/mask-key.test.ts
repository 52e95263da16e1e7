import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hmacSha256, sipHash24 } from '@dlp/shared';
import { KeyFileError, readKeyFile, runKey } from './mask-key';

describe('the pseudonym key', () => {
  it('is used through an HMAC-SHA256 that matches node:crypto for every message and key length', () => {
    for (const key of [Buffer.from('key-16-bytes-xyz'), Buffer.alloc(64, 0xab), Buffer.alloc(131, 0xaa)]) {
      const mine = hmacSha256(key);
      for (const message of ['', 'a', 'x'.repeat(55), 'x'.repeat(56), 'y'.repeat(64), 'z'.repeat(200), 'cn-resident-id\u0000110105199001011234', '张三丰']) {
        expect(Buffer.from(mine(message)).toString('hex')).toBe(createHmac('sha256', key).update(message, 'utf8').digest('hex'));
      }
    }
  });

  it('is read from a file without surrounding white space, fingerprinted, and refused when short', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dlp-key-'));
    try {
      await writeFile(path.join(dir, 'a.key'), '0123456789abcdef0123456789abcdef\n', { mode: 0o600 });
      await writeFile(path.join(dir, 'b.key'), '  0123456789abcdef0123456789abcdef', { mode: 0o644 });
      const a = await readKeyFile(path.join(dir, 'a.key'));
      const b = await readKeyFile(path.join(dir, 'b.key'));
      expect(a.id).toBe(b.id);
      expect(a.id).toBe(createHmac('sha256', '0123456789abcdef0123456789abcdef').update('dlp-mask key id').digest('hex').slice(0, 12));
      expect(Buffer.from(a.digest('x')).toString('hex')).toBe(createHmac('sha256', '0123456789abcdef0123456789abcdef').update('x').digest('hex'));
      expect([a.looselyProtected, b.looselyProtected]).toEqual([false, true]);
      await writeFile(path.join(dir, 'c.key'), 'short\n');
      await expect(readKeyFile(path.join(dir, 'c.key'))).rejects.toThrow(KeyFileError);
      await expect(readKeyFile(path.join(dir, 'missing.key'))).rejects.toThrow(/cannot read --key-file/);
      await expect(readKeyFile(dir)).rejects.toThrow(/not a regular file/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('for format-keeping masks is a run key under SipHash-2-4-128 that matches OpenSSL for every length up to 40 bytes', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dlp-siphash-'));
    try {
      const key = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
      const digest = sipHash24(key);
      const labels = Array.from({ length: 41 }, (_, n) => 'cn-resident-id\u0000110105199001011234abcdefghij'.slice(0, n));
      labels.push('person-name\u0000欧阳娜娜', 'email\u0000wang.fang@corp.example.cn');
      const file = path.join(dir, 'message');
      for (const label of labels) {
        await writeFile(file, label, 'utf8');
        const openssl = execFileSync('openssl', ['mac', '-macopt', `hexkey:${key.toString('hex')}`, '-macopt', 'size:16', '-in', file, 'SIPHASH'], { encoding: 'utf8' }).trim().toLowerCase();
        expect(`${JSON.stringify(label)} ${Buffer.from(digest(label)).toString('hex')}`).toBe(`${JSON.stringify(label)} ${openssl}`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // Two runs draw differently; one run draws the same for the same label.
    const [first, second] = [runKey(), runKey()];
    expect(Buffer.from(first('cn-mobile\u000013812345678')).toString('hex')).toBe(Buffer.from(first('cn-mobile\u000013812345678')).toString('hex'));
    expect(Buffer.from(first('cn-mobile\u000013812345678')).toString('hex')).not.toBe(Buffer.from(second('cn-mobile\u000013812345678')).toString('hex'));
  });
});
