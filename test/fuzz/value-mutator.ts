import type { SeededRandom } from './seeded-random';

/** A JSON value as JSON.parse returns it (objects may own keys such as `__proto__`). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Parses text the way a peer's frame or body is parsed: `__proto__` stays an own key. */
function parsed(text: string): Json {
  return JSON.parse(text) as Json;
}

function nested(depth: number, leaf: Json, asArray: boolean): Json {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { a: value };
  return value;
}

/**
 * Shapes that broke or could break decoders: objects posing as primitives (the 20-byte frame of
 * issue 13), prototype keys, numbers past every limit, odd strings, deep and wide structures.
 */
function hostileValue(rng: SeededRandom): Json {
  switch (rng.int(22)) {
    case 0:
      return parsed('{"toString":1}');
    case 1:
      return parsed('{"valueOf":1,"toString":1}');
    case 2:
      return parsed('{"__proto__":{"polluted":true,"toString":1}}');
    case 3:
      return parsed('{"constructor":{"prototype":{"polluted":true}}}');
    case 4:
      return rng.pick([1e308, -1e308, 2 ** 53 + 2, -(2 ** 63), 5e-324, -0, 0.5, 1.000000000000001, 4294967296, 1e21]);
    case 5:
      return rng.pick(['', ' ', '\u0000', '\ud800', '\udc00x', '\u202e', '\ufeff', 'é'.normalize('NFD'), '%00', '../../etc/passwd', '${7*7}', '<script>', "' OR 1=1--"]);
    case 6:
      return 'x'.repeat(rng.pick([257, 2001, 4097, 70_000]));
    case 7:
      return nested(rng.pick([100, 1000]), 1, true);
    case 8:
      return nested(rng.pick([100, 1000]), 'deep', false);
    case 9:
      return Array.from({ length: rng.pick([501, 2000, 20_000]) }, (_, i) => i);
    case 10:
      return Object.fromEntries(Array.from({ length: rng.pick([100, 2000]) }, (_, i) => [`k${i}`, i]));
    case 11:
      return null;
    case 12:
      return rng.chance(0.5);
    case 13:
      return [];
    case 14:
      return {};
    case 15:
      return rng.pick(['1', '1e999', 'NaN', 'Infinity', '-1', 'true', 'null', '0x10']);
    case 16:
      return rng.pick(['2026-02-30T00:00:00Z', '9999-12-31T23:59:59Z', '1970-01-01T00:00:00Z', 'yesterday', '2026-13-01']);
    case 17:
      return rng.pick(['019ad0c4-7b5e-7c1a-8d2f-3a4b5c6d7e8f', '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-7fff-bfff-ffffffffffff']);
    case 18:
      return parsed('{"hasOwnProperty":1,"isPrototypeOf":1,"propertyIsEnumerable":1}');
    case 19:
      return parsed('{"then":1,"toJSON":1,"length":-1}');
    case 20:
      return rng.int(2 ** 31) - 2 ** 30;
    default:
      return 'a'.repeat(43);
  }
}

/** Keys that name prototype machinery or are odd in other ways. */
const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '', ' ', 'type', 'v', 'x'.repeat(300), '0', '\u0000'];

/** Every container path in a value, so a mutation can land anywhere, not only at the top. */
function containers(value: Json, depth = 0, out: Array<Json[] | { [key: string]: Json }> = []): Array<Json[] | { [key: string]: Json }> {
  if (depth > 12 || value === null || typeof value !== 'object') return out;
  out.push(value);
  for (const child of Array.isArray(value) ? value : Object.values(value)) containers(child, depth + 1, out);
  return out;
}

function cloneJson(value: Json): Json {
  return JSON.parse(JSON.stringify(value)) as Json;
}

/** One structural mutation of a copy of `value`: replace, delete or add a field, or change an array. */
export function mutateValue(value: Json, rng: SeededRandom): Json {
  const copy = cloneJson(value);
  const all = containers(copy);
  if (all.length === 0 || rng.chance(0.05)) return hostileValue(rng);
  const target = rng.pick(all);
  if (Array.isArray(target)) {
    const op = rng.int(4);
    if (op === 0 && target.length > 0) target[rng.int(target.length)] = hostileValue(rng);
    else if (op === 1 && target.length > 0) target.splice(rng.int(target.length), 1);
    else if (op === 2 && target.length > 0) target.push(cloneJson(target[rng.int(target.length)] ?? null));
    else target.push(hostileValue(rng));
    return copy;
  }
  const keys = Object.keys(target);
  const op = rng.int(4);
  if (op === 0 && keys.length > 0) target[rng.pick(keys)] = hostileValue(rng);
  else if (op === 1 && keys.length > 0) delete target[rng.pick(keys)];
  else if (op === 2) Object.defineProperty(target, rng.pick(HOSTILE_KEYS), { value: hostileValue(rng), enumerable: true, configurable: true, writable: true });
  else if (keys.length > 0) {
    // Type confusion: a field keeps its name and gets another field's value.
    target[rng.pick(keys)] = cloneJson(target[rng.pick(keys)] ?? null);
  }
  return copy;
}

/** Text-level damage after serialisation: truncation, stray bytes, duplicated keys, odd numbers, deep nesting. */
export function mutateText(text: string, rng: SeededRandom): string {
  const at = rng.int(text.length + 1);
  switch (rng.int(9)) {
    case 0:
      return text.slice(0, at);
    case 8: {
      // Nesting far deeper than any object built in memory here: only as text.
      const depth = rng.pick([10_000, 100_000]);
      return rng.chance(0.5) ? `${'['.repeat(depth)}${text}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}${text}${'}'.repeat(depth)}`;
    }
    case 1:
      return text.slice(0, at) + rng.pick(['"', '{', '}', '[', ']', ',', ':', '\\', '\\u', '\u0000', '\ud800', 'NaN', ' ']) + text.slice(at);
    case 2:
      return text.replace(/\d+/, rng.pick(['1e999', '-1e999', '99999999999999999999999', '0.0000000000000000001', '-0', '1.5']));
    case 3:
      // A duplicated key: JSON.parse keeps the last one, a careless scanner the first.
      return text.replace(/^\{/, '{"type":"hello","v":1,');
    case 4:
      return `[${text}]`;
    case 5:
      return text + text.slice(0, at);
    case 6:
      return text.replace(/"([a-zA-Z]+)":/, '"__proto__":');
    default:
      return text.replace(/"v":1/, rng.pick(['"v":2', '"v":"1"', '"v":{"toString":1}', '"v":null', '"v":1.0', '"v":[1]']));
  }
}

/** Bytes that are not valid UTF-8 (overlong forms, lone continuation bytes, surrogates), spliced into text. */
export function invalidUtf8(text: string, rng: SeededRandom): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const at = rng.int(bytes.length + 1);
  const bad = rng.pick([[0xff], [0xc0, 0xaf], [0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]]);
  return Buffer.concat([bytes.subarray(0, at), Buffer.from(bad), bytes.subarray(at)]);
}
