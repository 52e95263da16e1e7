import { storageFailureOf, WriteHealth } from './write-health';

describe('storageFailureOf', () => {
  it('names what says the database cannot commit', () => {
    expect(storageFailureOf(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }))).toBe('disk_full');
    expect(storageFailureOf(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' }))).toBe('io_error');
    expect(storageFailureOf(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe('unreachable');
    expect(storageFailureOf(Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }))).toBe('timeout');
    expect(storageFailureOf(Object.assign(new Error('cannot execute INSERT in a read-only transaction'), { code: '25006' }))).toBe('read_only');
    expect(storageFailureOf(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe('unreachable');
    expect(storageFailureOf(new Error('Connection terminated unexpectedly'))).toBe('unreachable');
    expect(storageFailureOf(new Error('Query read timeout'))).toBe('timeout');
    expect(storageFailureOf(new Error('SQLite worker exited (code 1)'))).toBe('unavailable');
  });

  it('leaves alone what concerns one statement or no database at all', () => {
    expect(storageFailureOf(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBeUndefined();
    expect(storageFailureOf(Object.assign(new Error('UNIQUE constraint failed'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }))).toBeUndefined();
    expect(storageFailureOf(new Error('not found'))).toBeUndefined();
    expect(storageFailureOf({ code: { toString: 1 }, message: 42 })).toBeUndefined();
    expect(storageFailureOf(null)).toBeUndefined();
    expect(storageFailureOf('SQLITE_FULL')).toBeUndefined();
  });
});

describe('WriteHealth', () => {
  it('is fine until a storage failure, and fine again after a commit', async () => {
    const health = new WriteHealth(() => Promise.reject(Object.assign(new Error('down'), { code: 'ECONNREFUSED' })));
    expect(await health.check()).toBeUndefined();
    health.recordFailure(Object.assign(new Error('duplicate'), { code: '23505' }));
    expect(await health.check()).toBeUndefined();
    health.recordFailure(new Error('Connection terminated unexpectedly'));
    expect(await health.check()).toBe('unreachable');
    health.recordSuccess();
    expect(await health.check()).toBeUndefined();
  });

  it('recovers by its probe when no traffic comes', async () => {
    let up = false;
    const health = new WriteHealth(async () => {
      if (!up) throw Object.assign(new Error('down'), { code: 'ECONNREFUSED' });
    });
    health.recordFailure(Object.assign(new Error('read-only'), { code: '25006' }));
    expect(await health.check()).toBe('unreachable'); // the probe's own failure is the news now
    up = true;
    expect(await health.check()).toBeUndefined();
  });

  it('keeps a full disk until the probe passes, whatever small commit succeeds meanwhile', async () => {
    let space = false;
    const health = new WriteHealth(async () => {
      if (!space) throw Object.assign(new Error('too little free space'), { code: 'SQLITE_FULL' });
    });
    health.recordFailure(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }));
    health.recordSuccess();
    expect(await health.check()).toBe('disk_full');
    space = true;
    expect(await health.check()).toBeUndefined();
  });

  it('runs one probe at a time', async () => {
    let probes = 0;
    let release: () => void = () => undefined;
    const health = new WriteHealth(() => {
      probes += 1;
      return new Promise<void>((resolve) => (release = resolve));
    });
    health.recordFailure(Object.assign(new Error('full'), { code: 'SQLITE_FULL' }));
    const checks = [health.check(), health.check(), health.check()];
    release();
    expect(await Promise.all(checks)).toEqual([undefined, undefined, undefined]);
    expect(probes).toBe(1);
  });
});
