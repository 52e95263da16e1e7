import { createJsonLogger, redact } from './logger';

describe('JSON logger', () => {
  it('writes one JSON object per line with level, message and fields, filtered by level', () => {
    const lines: string[] = [];
    const log = createJsonLogger({ level: 'info', write: (l) => lines.push(l), now: () => new Date('2026-11-28T10:00:00Z') }).child({ component: 'link' });
    log.debug('hidden');
    log.warn('console connection closed', { code: 1006 });
    expect(lines).toEqual(['{"ts":"2026-11-28T10:00:00.000Z","level":"warn","msg":"console connection closed","component":"link","code":1006}\n']);
  });

  it('never prints tokens, secrets or signatures, at any depth', () => {
    const lines: string[] = [];
    const log = createJsonLogger({ write: (l) => lines.push(l) });
    log.info('hello', { token: 'tok-123', nested: { enrollSecret: 'sec-456', list: [{ signature: 'sig-789' }] }, agentId: 'a1' });
    expect(lines[0]).not.toMatch(/tok-123|sec-456|sig-789/);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ token: '[redacted]', nested: { enrollSecret: '[redacted]', list: [{ signature: '[redacted]' }] }, agentId: 'a1' });
  });

  it('reduces errors to name and message', () => {
    expect(redact({ error: new Error('boom') })).toEqual({ error: { name: 'Error', message: 'boom' } });
  });
});
