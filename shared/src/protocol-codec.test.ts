import { LIMITS, PROTOCOL_VERSION } from './limits';
import { decodeFrame } from './protocol-codec';
import { agentToConsoleMessage } from './schemas/protocol';
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
});
