import { parseMainOptions, USAGE, wantsHelp } from './main-options';

describe('console command line', () => {
  it('turns --tls self-signed into a self-signed HTTPS console and refuses other values', () => {
    expect(parseMainOptions(['--tls', 'self-signed', '--data-dir', '/tmp/x'], {}, '/nowhere')).toMatchObject({ selfSignedTls: true, dataDir: '/tmp/x' });
    expect(parseMainOptions(['--data-dir', '/tmp/x'], {}, '/nowhere').selfSignedTls).toBeUndefined();
    expect(() => parseMainOptions(['--tls', 'on'], {}, '/nowhere')).toThrow(/--tls takes "self-signed"/);
    expect(() => parseMainOptions(['--tls', 'self-signed', '--tls-cert', '/c', '--tls-key', '/k'], {}, '/nowhere')).toThrow(/exclude each other/);
  });

  it('turns on the first-event demo rule only when asked (--demo-rule, what npm start passes)', () => {
    expect(parseMainOptions(['--demo-rule'], {}, '/nowhere').demoRule).toBe(true);
    expect(parseMainOptions([], {}, '/nowhere').demoRule).toBeUndefined();
    expect(USAGE).toContain('--demo-rule');
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

  it('takes the PostgreSQL statement timeout from --pg-statement-timeout or DLP_PG_STATEMENT_TIMEOUT, 0 or 100 ms-1 day', () => {
    const pg = ['--database-url', 'postgres://u@h/db'];
    expect(parseMainOptions(pg, {}, '/nowhere').statementTimeoutMs).toBeUndefined();
    expect(parseMainOptions(pg, { DLP_PG_STATEMENT_TIMEOUT: '5000' }, '/nowhere').statementTimeoutMs).toBe(5000);
    expect(parseMainOptions([...pg, '--pg-statement-timeout', '0'], { DLP_PG_STATEMENT_TIMEOUT: '5000' }, '/nowhere').statementTimeoutMs).toBe(0);
    for (const bad of ['99', '-1', '1e4', '86400001', 'soon']) {
      expect(() => parseMainOptions([...pg, `--pg-statement-timeout=${bad}`], {}, '/nowhere')).toThrow(/--pg-statement-timeout must be 0 or 100-86400000/);
    }
    expect(() => parseMainOptions(['--pg-statement-timeout', '1000'], {}, '/nowhere')).toThrow(/needs --database-url/);
  });

  it('takes the live stream lifetime from --stream-max-lifetime or DLP_STREAM_MAX_LIFETIME, 60-86400 seconds', () => {
    expect(parseMainOptions([], {}, '/nowhere').streamMaxLifetimeSeconds).toBeUndefined();
    expect(parseMainOptions([], { DLP_STREAM_MAX_LIFETIME: '600' }, '/nowhere').streamMaxLifetimeSeconds).toBe(600);
    expect(parseMainOptions(['--stream-max-lifetime', '60'], { DLP_STREAM_MAX_LIFETIME: '600' }, '/nowhere').streamMaxLifetimeSeconds).toBe(60);
    for (const bad of ['59', '86401', '1.5', '-60', 'hour', '1e3']) {
      expect(() => parseMainOptions([`--stream-max-lifetime=${bad}`], {}, '/nowhere')).toThrow(/--stream-max-lifetime must be 60-86400/);
    }
  });

  it('takes the connection cap from --max-connections or DLP_MAX_CONNECTIONS, 1-1000000', () => {
    expect(parseMainOptions([], {}, '/nowhere').maxConnections).toBeUndefined();
    expect(parseMainOptions([], { DLP_MAX_CONNECTIONS: '500' }, '/nowhere').maxConnections).toBe(500);
    expect(parseMainOptions(['--max-connections', '7'], { DLP_MAX_CONNECTIONS: '500' }, '/nowhere').maxConnections).toBe(7);
    for (const bad of ['0', '1000001', '2.5', '-1', 'many', ' 2', '1e3']) {
      expect(() => parseMainOptions([`--max-connections=${bad}`], {}, '/nowhere')).toThrow(/--max-connections must be 1-1000000/);
    }
  });

  it('takes trusted proxies from --trust-proxy or DLP_TRUST_PROXY, refusing a bad entry by name', () => {
    expect(parseMainOptions([], {}, '/nowhere').trustProxy).toBeUndefined();
    expect(parseMainOptions([], { DLP_TRUST_PROXY: '10.0.0.2' }, '/nowhere').trustProxy).toBe('10.0.0.2');
    expect(parseMainOptions(['--trust-proxy', '10.8.0.0/24,fd00::1'], { DLP_TRUST_PROXY: '10.0.0.2' }, '/nowhere').trustProxy).toBe('10.8.0.0/24,fd00::1');
    for (const bad of ['10.0.0.0/33', 'proxy.local', '10.0.0.1,nope']) {
      expect(() => parseMainOptions(['--trust-proxy', bad], {}, '/nowhere')).toThrow(/--trust-proxy/);
    }
  });

  it('takes the default enroll rate from --enroll-rate or DLP_ENROLL_RATE, 1-100000 per minute', () => {
    expect(parseMainOptions([], {}, '/nowhere').enrollRatePerMinute).toBeUndefined();
    expect(parseMainOptions(['--enroll-rate', '5'], { DLP_ENROLL_RATE: '50' }, '/nowhere').enrollRatePerMinute).toBe(5);
    for (const bad of ['0', '100001', '1.5', 'fast']) expect(() => parseMainOptions([`--enroll-rate=${bad}`], {}, '/nowhere')).toThrow(/--enroll-rate must be 1-100000/);
  });

  it('asks for help on --help or -h anywhere among the options, never on another flag\'s value or after --', () => {
    for (const args of [['--help'], ['-h'], ['--port', '8081', '--help'], ['--bogus', '-h'], ['--port=x', '--help']]) expect(wantsHelp(args)).toBe(true);
    for (const args of [[], ['--port', '8081'], ['--node-id', '-h'], ['--node-id=--help'], ['--', '--help'], ['help']]) expect(wantsHelp(args)).toBe(false);
    expect(USAGE).toMatch(/--help, -h/);
  });
});
