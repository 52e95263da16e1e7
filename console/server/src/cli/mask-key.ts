/**
 * The firm's pseudonym key: read from a file (--key-file or env DLP_MASK_KEY_FILE), never from the
 * command line, where `ps` and shell history would keep it. Used only inside an HMAC; what leaves is a
 * fingerprint (an HMAC of a fixed label) so two reports can show the same key was used.
 */
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { hmacSha256, sipHash24, type KeyedDigest } from '@dlp/shared';

/** Bytes a key must have once surrounding white space is removed (32 random bytes as hex are 64). */
export const MIN_KEY_BYTES = 16;
const MAX_KEY_BYTES = 4096;

export class KeyFileError extends Error {
  constructor(
    readonly reason: 'unreadable' | 'too-short' | 'too-long' | 'not-a-file',
    message: string,
  ) {
    super(message);
  }
}

export interface PseudonymKey {
  digest: KeyedDigest;
  /** 12 hex characters: HMAC(key, "dlp-mask key id"). */
  id: string;
  /** The file can be read by group or others (a warning, not a refusal). */
  looselyProtected: boolean;
}


export async function readKeyFile(path: string): Promise<PseudonymKey> {
  let info;
  let raw: Buffer;
  try {
    info = await stat(path);
    if (!info.isFile()) throw new KeyFileError('not-a-file', `--key-file ${path} is not a regular file`);
    if (info.size > MAX_KEY_BYTES) throw new KeyFileError('too-long', `--key-file ${path} is larger than ${MAX_KEY_BYTES} bytes: is it the right file?`);
    raw = await readFile(path);
  } catch (err) {
    if (err instanceof KeyFileError) throw err;
    throw new KeyFileError('unreadable', `cannot read --key-file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  // Trailing new lines and spaces (an editor, `echo`) must not change the key.
  let end = raw.length;
  while (end > 0 && [0x0a, 0x0d, 0x20, 0x09].includes(raw[end - 1] ?? 0)) end--;
  let start = 0;
  while (start < end && [0x0a, 0x0d, 0x20, 0x09].includes(raw[start] ?? 0)) start++;
  const key = Buffer.from(raw.subarray(start, end));
  raw.fill(0);
  if (key.length < MIN_KEY_BYTES) throw new KeyFileError('too-short', `--key-file ${path} holds fewer than ${MIN_KEY_BYTES} bytes; create one with: openssl rand -hex 32 > ${path}; chmod 600 ${path}`);
  const digest = hmacSha256(key);
  key.fill(0);
  return { digest, id: Buffer.from(digest('dlp-mask key id')).toString('hex').slice(0, 12), looselyProtected: (info.mode & 0o077) !== 0 };
}

/**
 * A key of this run only, for format-keeping masks: forgotten when the process ends. SipHash rather
 * than HMAC: a keyed PRF is all these need (consistent within the run, unpredictable across runs),
 * and one digest per masked value was most of the time masking took.
 */
export function runKey(): KeyedDigest {
  return sipHash24(randomBytes(16));
}
