import { z } from 'zod';
import { LIMITS, PROTOCOL_VERSION } from './limits';
import { describeIssues } from './validation';

/** Why a frame was refused; `code` maps to a ws close code on the receiving side. */
export type DecodeFailure =
  | { ok: false; code: 'too_big' | 'bad_json' | 'bad_message'; message: string }
  | { ok: false; code: 'protocol_version'; message: string };

/**
 * Each schema's ahead-of-time compiled clone (`z.compile`): the same rules from the same schema, run
 * by generated code, about 4–5× cheaper per event on the console's ingest path. Input the fast path
 * rejects is parsed again by zod's runtime parser, so errors are exactly zod's own.
 */
const compiledSchemas = new WeakMap<z.ZodType, z.ZodType>();

function compiled<T>(schema: z.ZodType<T>): z.ZodType<T> {
  let fast = compiledSchemas.get(schema) as z.ZodType<T> | undefined;
  if (fast === undefined) {
    fast = z.compile(schema);
    compiledSchemas.set(schema, fast);
  }
  return fast;
}

/** Options for one decode. */
export interface DecodeOptions {
  /**
   * Refuse JSON nested deeper than this before parsing it. JSON.parse spends ~100 ms on a 600 KB
   * frame nested 100,000 deep (about 15× a normal frame of that size); the console sets this for
   * unauthenticated peers, whose frames (hello, enroll) are shallow and small, so the scan is free.
   */
  maxDepth?: number;
}

/** True when `text` nests arrays/objects deeper than `max` (strings and their escapes skipped). */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/** Refuses invalid UTF-8 instead of replacing it with U+FFFD (a binary frame is not checked by ws). */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads the envelope's protocol version from a parsed frame without converting anything: only a
 * number is a version; any other `v` (object, string, array…) is left for the schema to refuse.
 */
function foreignVersion(value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, 'v')) return undefined;
  const version = (value as { v: unknown }).v;
  return typeof version === 'number' && version !== PROTOCOL_VERSION ? version : undefined;
}

function decodeUnguarded<T>(schema: z.ZodType<T>, raw: string | Uint8Array, options: DecodeOptions): { ok: true; message: T } | DecodeFailure {
  const size = typeof raw === 'string' ? raw.length : raw.byteLength;
  if (size > LIMITS.maxMessageBytes) {
    return { ok: false, code: 'too_big', message: `frame of ${size} bytes exceeds ${LIMITS.maxMessageBytes}` };
  }
  let text: string;
  try {
    text = typeof raw === 'string' ? raw : strictUtf8.decode(raw);
  } catch {
    return { ok: false, code: 'bad_json', message: 'frame is not valid UTF-8 JSON' };
  }
  if (options.maxDepth !== undefined && nestsDeeperThan(text, options.maxDepth)) {
    return { ok: false, code: 'bad_json', message: `frame nests deeper than ${options.maxDepth} levels` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, code: 'bad_json', message: 'frame is not valid UTF-8 JSON' };
  }
  const version = foreignVersion(value);
  if (version !== undefined) {
    // A number formats without calling attacker code; Number.prototype.toString cannot throw.
    return { ok: false, code: 'protocol_version', message: `protocol version ${version} is not supported (want ${PROTOCOL_VERSION})` };
  }
  const parsed = compiled(schema).safeParse(value);
  if (!parsed.success) return { ok: false, code: 'bad_message', message: describeIssues(parsed.error) };
  return { ok: true, message: parsed.data };
}

/**
 * Decodes one ws text frame against a message schema. Order matters: size before parsing, JSON
 * before schema, version before type, so the peer gets the most useful error. Never throws: any
 * input is either a message that passed the schema or a `DecodeFailure` (the receiving socket is
 * closed, never the process).
 */
export function decodeFrame<T>(schema: z.ZodType<T>, raw: string | Uint8Array, options: DecodeOptions = {}): { ok: true; message: T } | DecodeFailure {
  try {
    return decodeUnguarded(schema, raw, options);
  } catch {
    // Only a bug (or an engine limit such as stack depth) gets here; the frame is refused like any bad one.
    return { ok: false, code: 'bad_message', message: 'frame could not be decoded' };
  }
}
