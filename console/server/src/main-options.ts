import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseAddressList } from './ops/metrics-access';
import { parseTrustedProxies } from './http/trusted-proxies';

export interface MainOptions {
  dataDir: string;
  port: number;
  host: string;
  webDir: string;
  adminPassword?: string;
  localEnrollSecret?: string;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  /** `--tls self-signed`: make (once) and serve a self-signed certificate. */
  selfSignedTls?: boolean;
  /** `--metrics-allow`: peers that may scrape /metrics without credentials (validated at start). */
  metricsAllow?: string;
  /** `--database-url postgres://…`: PostgreSQL instead of DATA_DIR/console.sqlite (several nodes may share it). */
  databaseUrl?: string;
  /** `--database-schema NAME`: schema for the console's tables in that database. */
  databaseSchema?: string;
  /** `--node-id NAME`: this node's stable name in a cluster. */
  nodeId?: string;
  /** `--ingest-transactions N`: PostgreSQL event-ingest transactions in flight at once. */
  ingestTransactions?: number;
  /** `--pg-statement-timeout MS`: PostgreSQL statement timeout (0 disables). */
  statementTimeoutMs?: number;
  /** `--stream-max-lifetime SECONDS`: a live event stream ends after this long (the UI reconnects). */
  streamMaxLifetimeSeconds?: number;
  /** `--max-connections N`: open TCP connections at most (agents' sockets included). */
  maxConnections?: number;
  /** `--trust-proxy LIST`: proxies whose X-Forwarded-For names the client (validated at start). */
  trustProxy?: string;
  /** `--enroll-rate N`: enrollments per minute per enroll secret unless the secret sets its own. */
  enrollRatePerMinute?: number;
  /** `--demo-rule`: the first-start policy reports a program named dlp-demo-blocked (what `npm start` uses). */
  demoRule?: boolean;
}

/** Bounds of `--ingest-transactions`: each one holds a pooled connection (the pool has 10). */
export const MAX_INGEST_TRANSACTIONS = 8;

export const USAGE = `Usage: node dist/console/server.js [options]
  --help, -h       print this text and exit
  --data-dir DIR   data directory (env DLP_DATA_DIR, default ./data/console)
  --port N         port to listen on, 0 = any free port (env DLP_PORT, default 8080)
  --host H         address to bind (env DLP_HOST, default 127.0.0.1)
  --web-dir DIR    built web UI (default: dist/console/web next to this bundle)
  --tls-cert FILE  PEM certificate: serve HTTPS/wss (with --tls-key)
  --tls-key FILE   PEM private key for --tls-cert
  --tls self-signed  serve HTTPS/wss with a self-signed certificate made on first start
                   (kept in DATA_DIR/tls; agents pin its key when they enroll)
  --metrics-allow LIST  IPs/CIDRs that may scrape /metrics without credentials, e.g.
                   10.0.0.5,10.1.0.0/16 (env DLP_METRICS_ALLOW; default none: readers' tokens only)
  --database-url URL  postgres://user@host:5432/db: store in PostgreSQL; several console nodes
                   may share one database (env DLP_DATABASE_URL; prefer the env: flags show in ps)
  --database-schema NAME  schema for the console's tables (env DLP_DATABASE_SCHEMA; default search_path)
  --node-id NAME   this node's stable name in a cluster (env DLP_NODE_ID; default host:port)
  --ingest-transactions N  PostgreSQL event-ingest transactions in flight at once, 1-8
                   (env DLP_INGEST_TRANSACTIONS; default 2)
  --pg-statement-timeout MS  PostgreSQL: a statement running longer fails (and its ingest is not
                   acked) instead of hanging; 0 = no limit (env DLP_PG_STATEMENT_TIMEOUT; default 30000)
  --stream-max-lifetime S  seconds a live event stream stays open before the client reconnects
                   and is authenticated again, 60-86400 (env DLP_STREAM_MAX_LIFETIME; default 3600)
  --max-connections N  open connections at most, agents included; more are closed at once
                   (env DLP_MAX_CONNECTIONS; default 20000; keep the fd limit above it)
  --trust-proxy LIST  IPs/CIDRs of reverse proxies or load balancers in front of the console whose
                   X-Forwarded-For names the client (login brake, audit source IP, agents), e.g.
                   10.0.0.2,10.8.0.0/24 (env DLP_TRUST_PROXY; default none: the TCP peer is the client)
  --enroll-rate N  agent enrollments per minute per enroll secret, 1-100000, unless the secret
                   sets its own (env DLP_ENROLL_RATE; default 60)
  --demo-rule      a new console's first policy (monitor mode) reports a program named
                   dlp-demo-blocked, so a first event is one command away (npm start uses it)
Env: DLP_ADMIN_PASSWORD (first admin's password), DLP_LOCAL_ENROLL_SECRET (enroll secret for a local agent)`;

/** Where the web UI is when no --web-dir is given: next to the bundle, or dist/ when run from source. */
function defaultWebDir(moduleDir: string): string {
  const candidates = [path.join(moduleDir, 'web'), path.resolve(moduleDir, '../../../dist/console/web')];
  return candidates.find((dir) => existsSync(dir)) ?? (candidates[0] as string);
}

/** The command line's flags (`--help` is answered by `wantsHelp` before anything else is read). */
const OPTION_SPEC = {
  'data-dir': { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'web-dir': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  tls: { type: 'string' },
  'metrics-allow': { type: 'string' },
  'database-url': { type: 'string' },
  'database-schema': { type: 'string' },
  'node-id': { type: 'string' },
  'ingest-transactions': { type: 'string' },
  'pg-statement-timeout': { type: 'string' },
  'stream-max-lifetime': { type: 'string' },
  'max-connections': { type: 'string' },
  'trust-proxy': { type: 'string' },
  'enroll-rate': { type: 'string' },
  'demo-rule': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * True when the command line asks for usage (`--help` or `-h`, as an option, not as another flag's
 * value): the caller prints USAGE and exits 0 without validating anything else, so help works even
 * next to a wrong flag or environment variable.
 */
export function wantsHelp(argv: string[]): boolean {
  const { tokens } = parseArgs({ args: argv, strict: false, allowPositionals: true, tokens: true, options: OPTION_SPEC });
  return tokens.some((token) => token.kind === 'option' && token.name === 'help');
}

/** Flags win over environment variables, which win over defaults. Throws with a usable message. */
export function parseMainOptions(argv: string[], env: NodeJS.ProcessEnv, moduleDir: string): MainOptions {
  const { values } = parseArgs({ args: argv, strict: true, options: OPTION_SPEC });
  const portText = values.port ?? env.DLP_PORT ?? '8080';
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw new Error(`--port must be 0-65535, got "${portText}"`);
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) throw new Error('--tls-cert and --tls-key go together');
  if (values.tls !== undefined && values.tls !== 'self-signed') throw new Error(`--tls takes "self-signed", got "${values.tls}"`);
  if (values.tls !== undefined && values['tls-cert'] !== undefined) throw new Error('--tls self-signed and --tls-cert exclude each other');
  const options: MainOptions = {
    dataDir: path.resolve(values['data-dir'] ?? env.DLP_DATA_DIR ?? './data/console'),
    port: Number(portText),
    host: values.host ?? env.DLP_HOST ?? '127.0.0.1',
    webDir: path.resolve(values['web-dir'] ?? defaultWebDir(moduleDir)),
  };
  if (env.DLP_ADMIN_PASSWORD) options.adminPassword = env.DLP_ADMIN_PASSWORD;
  if (env.DLP_LOCAL_ENROLL_SECRET) options.localEnrollSecret = env.DLP_LOCAL_ENROLL_SECRET;
  if (values['tls-cert'] !== undefined) options.tlsCertFile = path.resolve(values['tls-cert']);
  if (values['tls-key'] !== undefined) options.tlsKeyFile = path.resolve(values['tls-key']);
  if (values.tls === 'self-signed') options.selfSignedTls = true;
  if (values['demo-rule'] === true) options.demoRule = true;
  const metricsAllow = values['metrics-allow'] ?? env.DLP_METRICS_ALLOW;
  if (metricsAllow !== undefined && metricsAllow.trim() !== '') {
    parseAddressList(metricsAllow);
    options.metricsAllow = metricsAllow;
  }
  const databaseUrl = values['database-url'] ?? env.DLP_DATABASE_URL;
  if (databaseUrl !== undefined && databaseUrl !== '') {
    // The URL may hold a password: the message names the rule, never the value.
    if (!/^postgres(ql)?:\/\/[^\s]+$/.test(databaseUrl)) throw new Error('--database-url (DLP_DATABASE_URL) must be a postgres:// or postgresql:// URL');
    options.databaseUrl = databaseUrl;
  }
  const databaseSchema = values['database-schema'] ?? env.DLP_DATABASE_SCHEMA;
  if (databaseSchema !== undefined && databaseSchema !== '') {
    if (options.databaseUrl === undefined) throw new Error('--database-schema needs --database-url');
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(databaseSchema)) throw new Error(`--database-schema must be a lower-case identifier, got "${databaseSchema.slice(0, 80)}"`);
    options.databaseSchema = databaseSchema;
  }
  const nodeId = values['node-id'] ?? env.DLP_NODE_ID;
  if (nodeId !== undefined && nodeId !== '') {
    if (!/^[A-Za-z0-9._:-]{1,100}$/.test(nodeId)) throw new Error(`--node-id must be 1-100 of A-Z a-z 0-9 . _ : -, got "${nodeId.slice(0, 120)}"`);
    options.nodeId = nodeId;
  }
  const ingestTransactions = values['ingest-transactions'] ?? env.DLP_INGEST_TRANSACTIONS;
  if (ingestTransactions !== undefined && ingestTransactions !== '') {
    if (options.databaseUrl === undefined) throw new Error('--ingest-transactions needs --database-url (on SQLite, one writer, the console sets it itself)');
    const n = /^\d{1,2}$/.test(ingestTransactions) ? Number(ingestTransactions) : NaN;
    if (!(n >= 1 && n <= MAX_INGEST_TRANSACTIONS)) throw new Error(`--ingest-transactions must be 1-${MAX_INGEST_TRANSACTIONS}, got "${ingestTransactions.slice(0, 20)}"`);
    options.ingestTransactions = n;
  }
  const statementTimeout = values['pg-statement-timeout'] ?? env.DLP_PG_STATEMENT_TIMEOUT;
  if (statementTimeout !== undefined && statementTimeout !== '') {
    if (options.databaseUrl === undefined) throw new Error('--pg-statement-timeout needs --database-url');
    const ms = /^\d{1,8}$/.test(statementTimeout) ? Number(statementTimeout) : NaN;
    if (!(ms === 0 || (ms >= 100 && ms <= 86_400_000))) throw new Error(`--pg-statement-timeout must be 0 or 100-86400000 (ms), got "${statementTimeout.slice(0, 20)}"`);
    options.statementTimeoutMs = ms;
  }
  const streamLifetime = values['stream-max-lifetime'] ?? env.DLP_STREAM_MAX_LIFETIME;
  if (streamLifetime !== undefined && streamLifetime !== '') {
    const seconds = /^\d{1,5}$/.test(streamLifetime) ? Number(streamLifetime) : NaN;
    if (!(seconds >= 60 && seconds <= 86_400)) throw new Error(`--stream-max-lifetime must be 60-86400 seconds, got "${streamLifetime.slice(0, 20)}"`);
    options.streamMaxLifetimeSeconds = seconds;
  }
  const maxConnections = values['max-connections'] ?? env.DLP_MAX_CONNECTIONS;
  if (maxConnections !== undefined && maxConnections !== '') {
    const n = /^\d{1,7}$/.test(maxConnections) ? Number(maxConnections) : NaN;
    if (!(n >= 1 && n <= 1_000_000)) throw new Error(`--max-connections must be 1-1000000, got "${maxConnections.slice(0, 20)}"`);
    options.maxConnections = n;
  }
  const trustProxy = values['trust-proxy'] ?? env.DLP_TRUST_PROXY;
  if (trustProxy !== undefined && trustProxy.trim() !== '') {
    parseTrustedProxies(trustProxy);
    options.trustProxy = trustProxy;
  }
  const enrollRate = values['enroll-rate'] ?? env.DLP_ENROLL_RATE;
  if (enrollRate !== undefined && enrollRate !== '') {
    const n = /^\d{1,6}$/.test(enrollRate) ? Number(enrollRate) : NaN;
    if (!(n >= 1 && n <= 100_000)) throw new Error(`--enroll-rate must be 1-100000 per minute, got "${enrollRate.slice(0, 20)}"`);
    options.enrollRatePerMinute = n;
  }
  return options;
}
