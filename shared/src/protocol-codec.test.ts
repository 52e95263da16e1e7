import { z } from 'zod';
import { LIMITS, PROTOCOL_VERSION } from './limits';
import { decodeFrame, nestsDeeperThan } from './protocol-codec';
import { agentToConsoleMessage, consoleToAgentMessage } from './schemas/protocol';
import { describeIssues } from './validation';
import { sampleEvent } from './test-samples';

const hello = {
  v: PROTOCOL_VERSION,
  type: 'hello',
  agentId: '019ad0c4-7b5e-7c1a-8d2f-3a4b5c6d7e8f',
  token: 'a'.repeat(43),
  agent: { hostname: 'ws-001', os: 'linux', osVersion: '6.1', agentVersion: '0.1.0', user: '张三' },
  policySerial: null,
};

describe('decodeFrame', () => {
  it('accepts a valid hello', () => {
    const r = decodeFrame(agentToConsoleMessage, JSON.stringify(hello));
    expect(r.ok).toBe(true);
  });

  it('reports malformed JSON, unknown types, wrong versions and oversized frames distinctly', () => {
    expect(decodeFrame(agentToConsoleMessage, '{not json')).toMatchObject({ ok: false, code: 'bad_json' });
    expect(decodeFrame(agentToConsoleMessage, JSON.stringify({ ...hello, type: 'launch-missiles' }))).toMatchObject({ ok: false, code: 'bad_message' });
    expect(decodeFrame(agentToConsoleMessage, JSON.stringify({ ...hello, v: 99 }))).toMatchObject({ ok: false, code: 'protocol_version' });
    expect(decodeFrame(agentToConsoleMessage, 'x'.repeat(LIMITS.maxMessageBytes + 1))).toMatchObject({ ok: false, code: 'too_big' });
  });

  it('names the offending field in schema errors', () => {
    const r = decodeFrame(agentToConsoleMessage, JSON.stringify({ ...hello, agent: { ...hello.agent, os: 'beos' } }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/^agent\.os:/);
  });

  it('refuses an events batch whose sequence numbers go backwards', () => {
    const events = [sampleEvent({ seq: 2 }), sampleEvent({ seq: 1 })];
    const r = decodeFrame(agentToConsoleMessage, JSON.stringify({ v: 1, type: 'events', events }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('events.1.seq');
  });

  it('refuses batches larger than the shared limit', () => {
    const events = Array.from({ length: LIMITS.maxBatchEvents + 1 }, (_, i) => sampleEvent({ seq: i + 1 }));
    const r = decodeFrame(agentToConsoleMessage, JSON.stringify({ v: 1, type: 'events', events }));
    expect(r).toMatchObject({ ok: false, code: 'bad_message' });
  });

  it("answers exactly as zod's runtime parser, through the compiled fast path", () => {
    const event = sampleEvent({ seq: 1 });
    const device = { kind: 'device', vendorId: '0781', productId: '5567', serial: '4C53' };
    const file = { kind: 'file', path: '/home/a/客户.xlsx', matches: { 'cn-id': 2 } };
    const batch = (...events: unknown[]): unknown => ({ v: PROTOCOL_VERSION, type: 'events', events });
    const frames: unknown[] = [
      hello,
      batch(event),
      // Defaults (interfaces, samples) filled in as zod fills them.
      batch({ ...event, subject: device }, { ...sampleEvent({ seq: 2 }), subject: file }),
      batch({ ...event, host: 'ws\u0007' }),
      batch({ ...event, subject: { ...event.subject, exePath: '/tmp/a\u0000' } }),
      batch({ ...event, id: 'not-a-uuid' }),
      batch({ ...event, occurredAt: '2026-02-30T00:00:00Z' }),
      batch({ ...event, extra: true }),
      batch({ ...event, subject: { ...device, interfaces: [300] } }),
      batch(sampleEvent({ seq: 2 }), sampleEvent({ seq: 2 })),
      batch({ ...event, seq: 1.5 }, { ...event, action: 'exploded' }),
      { ...hello, agent: { ...hello.agent, hostname: 'h'.repeat(1000) } },
    ];
    for (const frame of frames) {
      const text = JSON.stringify(frame);
      const runtime = agentToConsoleMessage.safeParse(JSON.parse(text));
      const decoded = decodeFrame(agentToConsoleMessage, text);
      if (runtime.success) expect(decoded).toEqual({ ok: true, message: runtime.data });
      else expect(decoded).toEqual({ ok: false, code: 'bad_message', message: describeIssues(runtime.error) });
    }
  });

  it('never throws on hostile shapes: each is refused with a code, the version only read when it is a number', () => {
    const nested = (depth: number, open: string, close: string): string => open.repeat(depth) + close.repeat(depth);
    const hostile: Array<[string | Uint8Array, string]> = [
      // The frame that stopped the console (issue 13): String() on an object without a callable toString.
      ['{"v":{"toString":1}}', 'bad_message'],
      ['{"v":{"valueOf":1,"toString":1},"type":"hello"}', 'bad_message'],
      ['{"v":{"__proto__":null},"type":"hello"}', 'bad_message'],
      ['{"v":[1],"type":"hello"}', 'bad_message'],
      ['{"v":"1","type":"hello"}', 'bad_message'],
      ['{"v":1,"type":{"toString":1}}', 'bad_message'],
      ['{"v":1,"type":"hello","__proto__":{"type":"events"}}', 'bad_message'],
      ['{"__proto__":{"v":1,"type":"heartbeat"}}', 'bad_message'],
      ['{"constructor":{"prototype":{"polluted":true}},"v":1,"type":"heartbeat"}', 'bad_message'],
      ['{"v":1e999}', 'protocol_version'],
      ['{"v":-0.5,"type":"hello"}', 'protocol_version'],
      [`{"v":1,"type":"events","events":[{"seq":1${'0'.repeat(400)}}]}`, 'bad_message'],
      [nested(200_000, '[', ']'), 'bad_message'],
      [`{"v":1,"type":"events","events":${nested(100_000, '[', ']')}}`, 'bad_message'],
      [`{"v":1,"type":"hello","agent":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`, 'bad_message'],
      [Uint8Array.from([0x7b, 0x22, 0x76, 0x22, 0x3a, 0xff, 0xfe, 0x7d]), 'bad_json'],
      [Uint8Array.from(Buffer.from(`{"v":1,"type":"hello","token":"\udc00${'\ud800'}"}`)), 'bad_message'],
      ['x'.repeat(LIMITS.maxMessageBytes * 4), 'too_big'],
      ['', 'bad_json'],
      ['null', 'bad_message'],
      ['1', 'bad_message'],
    ];
    for (const [frame, code] of hostile) {
      const label = typeof frame === 'string' ? frame.slice(0, 60) : `bytes ${Buffer.from(frame).toString('hex').slice(0, 40)}`;
      let decoded;
      expect(() => (decoded = decodeFrame(agentToConsoleMessage, frame))).not.toThrow();
      expect({ label, code: (decoded as unknown as { code?: string }).code }).toEqual({ label, code });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses deep nesting before parsing it when asked to, without counting brackets inside strings', () => {
    const deep = `{"v":1,"type":"hello","agent":${'['.repeat(40)}${']'.repeat(40)}}`;
    expect(decodeFrame(agentToConsoleMessage, deep, { maxDepth: 32 })).toEqual({ ok: false, code: 'bad_json', message: 'frame nests deeper than 32 levels' });
    expect(decodeFrame(agentToConsoleMessage, deep)).toMatchObject({ ok: false, code: 'bad_message' });
    const bracketsInText = { ...hello, agent: { ...hello.agent, hostname: `${'[{'.repeat(60)}\\"[` } };
    expect(decodeFrame(agentToConsoleMessage, JSON.stringify(bracketsInText), { maxDepth: 32 }).ok).toBe(true);
    expect(decodeFrame(agentToConsoleMessage, JSON.stringify(hello), { maxDepth: 32 }).ok).toBe(true);
    expect(nestsDeeperThan('['.repeat(500_000) + ']'.repeat(500_000), 32)).toBe(true);
    expect(nestsDeeperThan('"\\"[[[[', 2)).toBe(false);
    expect(nestsDeeperThan('"\\\\"[[[[', 2)).toBe(true);
  });

  it('turns a raw input whose own accessors throw into a refusal, not an exception', () => {
    // Not reachable from a socket (ws hands over Buffers), but the boundary holds whatever it is given.
    const trap = new Uint8Array(4);
    Object.defineProperty(trap, 'byteLength', {
      get() {
        throw new Error('getter trap');
      },
    });
    expect(decodeFrame(agentToConsoleMessage, trap)).toEqual({ ok: false, code: 'bad_message', message: 'frame could not be decoded' });
  });

  it('compiles both directions of the protocol (else every frame takes the ~5x slower runtime parser)', () => {
    expect(() => z.compile(agentToConsoleMessage, { strict: true })).not.toThrow();
    expect(() => z.compile(consoleToAgentMessage, { strict: true })).not.toThrow();
  });
});
