import { parseMainOptions } from './main-options';

describe('console command line', () => {
  it('turns --tls self-signed into a self-signed HTTPS console and refuses other values', () => {
    expect(parseMainOptions(['--tls', 'self-signed', '--data-dir', '/tmp/x'], {}, '/nowhere')).toMatchObject({ selfSignedTls: true, dataDir: '/tmp/x' });
    expect(parseMainOptions(['--data-dir', '/tmp/x'], {}, '/nowhere').selfSignedTls).toBeUndefined();
    expect(() => parseMainOptions(['--tls', 'on'], {}, '/nowhere')).toThrow(/--tls takes "self-signed"/);
    expect(() => parseMainOptions(['--tls', 'self-signed', '--tls-cert', '/c', '--tls-key', '/k'], {}, '/nowhere')).toThrow(/exclude each other/);
  });

  it('takes a /metrics allow list from --metrics-allow or DLP_METRICS_ALLOW and refuses a bad one at start', () => {
    expect(parseMainOptions(['--metrics-allow', '10.0.0.0/8'], {}, '/nowhere').metricsAllow).toBe('10.0.0.0/8');
    expect(parseMainOptions([], { DLP_METRICS_ALLOW: '192.0.2.7' }, '/nowhere').metricsAllow).toBe('192.0.2.7');
    expect(parseMainOptions([], {}, '/nowhere').metricsAllow).toBeUndefined();
    expect(() => parseMainOptions(['--metrics-allow', 'everyone'], {}, '/nowhere')).toThrow(/not an IP address/);
  });

  it('selects PostgreSQL by --database-url or DLP_DATABASE_URL, never echoing a rejected URL', () => {
    expect(parseMainOptions([], {}, '/nowhere').databaseUrl).toBeUndefined();
    expect(parseMainOptions([], { DLP_DATABASE_URL: 'postgres://dlp@db:5432/dlp' }, '/nowhere').databaseUrl).toBe('postgres://dlp@db:5432/dlp');
    const flagged = parseMainOptions(['--database-url', 'postgresql://a@b/c', '--database-schema', 'console', '--node-id', 'node-1'], { DLP_DATABASE_URL: 'postgres://x@y/z' }, '/nowhere');
    expect(flagged).toMatchObject({ databaseUrl: 'postgresql://a@b/c', databaseSchema: 'console', nodeId: 'node-1' });
    let message = '';
    try {
      parseMainOptions([], { DLP_DATABASE_URL: 'mysql://root:s3cret@db/dlp' }, '/nowhere');
    } catch (err) {
      message = err instanceof Error ? err.message : String(err);
    }
    expect(message).toMatch(/must be a postgres/);
    expect(message).not.toContain('s3cret');
    expect(() => parseMainOptions(['--database-schema', 'x'], {}, '/nowhere')).toThrow(/needs --database-url/);
    expect(() => parseMainOptions(['--database-url', 'postgres://a@b/c', '--database-schema', 'x; drop'], {}, '/nowhere')).toThrow(/lower-case identifier/);
    expect(() => parseMainOptions(['--node-id', 'a b'], {}, '/nowhere')).toThrow(/--node-id/);
  });

  it('takes the PostgreSQL ingest transactions in flight from --ingest-transactions or DLP_INGEST_TRANSACTIONS, 1-8', () => {
    const pg = ['--database-url', 'postgres://a@b/c'];
    expect(parseMainOptions(pg, {}, '/nowhere').ingestTransactions).toBeUndefined();
    expect(parseMainOptions(pg, { DLP_INGEST_TRANSACTIONS: '3' }, '/nowhere').ingestTransactions).toBe(3);
    expect(parseMainOptions([...pg, '--ingest-transactions', '1'], { DLP_INGEST_TRANSACTIONS: '3' }, '/nowhere').ingestTransactions).toBe(1);
    expect(parseMainOptions([...pg, '--ingest-transactions', '8'], {}, '/nowhere').ingestTransactions).toBe(8);
    for (const bad of ['0', '9', '2.5', '-1', 'two', ' 2', '1e1']) {
      expect(() => parseMainOptions([...pg, `--ingest-transactions=${bad}`], {}, '/nowhere')).toThrow(/--ingest-transactions must be 1-8/);
    }
    expect(() => parseMainOptions(['--ingest-transactions', '2'], {}, '/nowhere')).toThrow(/needs --database-url/);
  });
});
