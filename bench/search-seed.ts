/**
 * Seeding for bench/search.ts: writes N realistic events straight into a migrated console.sqlite
 * with the same columns and extraction functions as ingest, then builds indexes and roll-ups the
 * way the migration backfills them. Bulk-loading without indexes (and with synchronous=OFF) is
 * what makes 10 million rows take minutes instead of an hour; the result is the same database.
 */
import { createHash } from 'node:crypto';
import sqlite3 from 'sqlite3';
import { seededRandom, type EventAction, type EventType, type Severity, type StoredEvent } from '@dlp/shared';
import type { SqlParam } from '@dlp/shared/node';
import { INSERT_COLUMNS, pushEventRow, rollupInput } from '../console/server/src/store/sql/event-queries';

export const HOSTS = 2000;
export const DAYS = 90;
const DAY_MS = 86_400_000;
const ROWS_PER_STATEMENT = 500;

/** Deterministic PRNG so two runs seed the same history. */
export const prng = seededRandom;

/** Zipf-like skew: small indexes are much more frequent (a few heavy offenders, popular tools). */
export function skewed(random: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(n * Math.pow(random(), 2.5)));
}

const TYPES: Array<[EventType, number]> = [['app', 0.55], ['usb', 0.25], ['screen-capture', 0.08], ['content', 0.07], ['policy', 0.02], ['agent', 0.025], ['gap', 0.005]];
const ACTIONS: Array<[EventAction, number]> = [['blocked', 0.5], ['would-block', 0.25], ['allowed', 0.25]];
const SEVERITIES: Severity[] = ['low', 'medium', 'high', 'critical'];
const TOOLS = ['xclip', 'scrot', 'flameshot', 'anydesk', 'teamviewer', 'wireshark', 'nmap', 'putty', 'filezilla', 'rclone', 'gimp', 'obs', 'kazam', 'vokoscreen', 'shutter'];

function pick<T>(random: () => number, table: Array<[T, number]>): T {
  let r = random();
  for (const [value, weight] of table) {
    if (r < weight) return value;
    r -= weight;
  }
  return (table[0] as [T, number])[0];
}

export const hostName = (i: number): string => `ws-${String(i).padStart(4, '0')}`;
export const userName = (i: number): string => `user${String(i).padStart(4, '0')}`;
export const exePath = (i: number): string => `/opt/${TOOLS[i % TOOLS.length] ?? 'tool'}-${Math.floor(i / TOOLS.length)}/bin/${TOOLS[i % TOOLS.length] ?? 'tool'}`;
const sha256Cache = new Map<number, string>();
/** The app's hash (cached: hashing per seeded event would dominate the seeding time). */
export const sha256Of = (i: number): string => {
  let hash = sha256Cache.get(i);
  if (hash === undefined) sha256Cache.set(i, (hash = createHash('sha256').update(`app-${i}`).digest('hex')));
  return hash;
};
/** A distinct 64-hex value per file (content events). */
const fileHash = (n: number): string => n.toString(16).padStart(16, '0').repeat(4);
export const agentIdOf = (i: number): string => `0190a000-0000-7000-8000-${i.toString(16).padStart(12, '0')}`;
export const deviceOf = (i: number): { vendorId: string; productId: string; serial: string } => ({
  vendorId: ['0781', '0951', '090c', '058f', '13fe'][i % 5] ?? '0781',
  productId: (0x5500 + (i % 40)).toString(16).padStart(4, '0'),
  serial: `SN${String(i).padStart(6, '0')}`,
});

/** One event at `t` from a skewed host; ids are unique per (host, seq). */
function makeEvent(random: () => number, t: number, seqs: Int32Array, receivedAt: string): StoredEvent {
  const host = skewed(random, HOSTS);
  const seq = (seqs[host] ?? 0) + 1;
  seqs[host] = seq;
  const type = pick(random, TYPES);
  const action: EventAction = type === 'agent' || type === 'policy' || type === 'gap' ? 'info' : pick(random, ACTIONS);
  // One user per host, with 10% of events from a roaming colleague.
  const user = random() < 0.1 ? userName(Math.floor(random() * HOSTS)) : userName(host);
  let subject: StoredEvent['subject'];
  if (type === 'usb') {
    const d = deviceOf(host * 3 + Math.floor(random() * 3));
    subject = { kind: 'device', ...d, vendorName: 'Vendor', productName: 'Flash Disk', interfaces: [0] };
  } else if (type === 'app' || type === 'screen-capture') {
    const app = skewed(random, 300);
    subject = { kind: 'process', pid: 1000 + seq, exePath: exePath(app), name: TOOLS[app % TOOLS.length] ?? 'tool', sha256: sha256Of(app), method: 'fanotify' };
  } else if (type === 'content') {
    subject = { kind: 'file', path: `/media/usb/report-${seq}.xlsx`, sha256: fileHash(seq * HOSTS + host), matches: { idCard: 1 + Math.floor(random() * 9) }, samples: [] };
  } else if (type === 'gap') {
    subject = { kind: 'gap', dropped: 10, fromSeq: 1, toSeq: 10 };
  } else if (type === 'policy') {
    subject = { kind: 'policy', serial: 7, reason: 'applied' };
  } else {
    subject = { kind: 'agent', message: 'helper restarted' };
  }
  const hex = seq.toString(16).padStart(12, '0');
  return {
    id: `0190b000-${hex.slice(0, 4)}-7${hex.slice(4, 7)}-8${hex.slice(7, 10)}-${hex.slice(10)}${host.toString(16).padStart(10, '0')}`,
    seq,
    occurredAt: new Date(t).toISOString(),
    type,
    action,
    severity: SEVERITIES[skewed(random, 4)] ?? 'low',
    user,
    host: hostName(host),
    ruleId: type === 'app' || type === 'usb' || type === 'screen-capture' || type === 'content' ? `rule-${skewed(random, 50)}` : null,
    policySerial: 7,
    subject,
    agentId: agentIdOf(host),
    receivedAt,
  };
}

const COLUMNS = INSERT_COLUMNS;

function run(db: sqlite3.Database | sqlite3.Statement, sqlOrParams: string | unknown[], params: unknown[] = []): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null): void => (err ? reject(err) : resolve());
    if (db instanceof sqlite3.Statement) db.run(sqlOrParams as unknown[], done);
    else db.run(sqlOrParams as string, params, done);
  });
}

const exec = (db: sqlite3.Database, sql: string): Promise<void> => new Promise((resolve, reject) => db.exec(sql, (err) => (err ? reject(err) : resolve())));

/**
 * Seeds `total` events over DAYS days ending at `endMs` into the (already migrated, empty)
 * database at `file`. Progress goes to stderr.
 */
export async function seed(file: string, total: number, endMs: number): Promise<void> {
  const db = new sqlite3.Database(file);
  // A throw-away bulk load: no journal, no fsync; WAL is restored at the end.
  await exec(db, 'PRAGMA journal_mode = DELETE; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY;');
  const indexes = await new Promise<Array<{ name: string; sql: string }>>((resolve, reject) =>
    db.all("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL", (err, rows: Array<{ name: string; sql: string }>) => (err ? reject(err) : resolve(rows))),
  );
  for (const index of indexes) await exec(db, `DROP INDEX ${index.name}`);
  const tuple = `(${COLUMNS.map(() => '?').join(', ')})`;
  const insert = db.prepare(`INSERT INTO events (${COLUMNS.join(', ')}) VALUES ${Array.from({ length: ROWS_PER_STATEMENT }, () => tuple).join(', ')}`);
  const random = prng(42);
  const seqs = new Int32Array(HOSTS);
  const startMs = endMs - DAYS * DAY_MS;
  const receivedAt = new Date(endMs).toISOString();
  const started = Date.now();
  // Rows in time order, as ingest would roughly write them; day time is busier than night.
  const step = (endMs - startMs) / total;
  for (let done = 0; done < total; ) {
    await exec(db, 'BEGIN');
    for (let s = 0; s < 200 && done < total; s++) {
      const params: SqlParam[] = [];
      const n = Math.min(ROWS_PER_STATEMENT, total - done);
      for (let i = 0; i < n; i++, done++) {
        const t = Math.floor(startMs + done * step);
        const e = makeEvent(random, t, seqs, receivedAt);
        const host = Number(e.host.slice(3));
        pushEventRow(params, e, t, `group-${host % 20}`, rollupInput(e, t));
      }
      if (n === ROWS_PER_STATEMENT) await run(insert, params);
      else await run(db, `INSERT INTO events (${COLUMNS.join(', ')}) VALUES ${Array.from({ length: n }, () => tuple).join(', ')}`, params);
    }
    await exec(db, 'COMMIT');
    process.stderr.write(`\rseed: ${done.toLocaleString('en')} / ${total.toLocaleString('en')} events (${Math.round(done / ((Date.now() - started) / 1000))}/s)   `);
  }
  await new Promise<void>((resolve) => insert.finalize(() => resolve()));
  process.stderr.write('\nseed: building indexes…\n');
  for (const index of indexes) await exec(db, index.sql);
  process.stderr.write('seed: building roll-ups…\n');
  await exec(db, `
    DELETE FROM event_rollup_hourly; DELETE FROM event_rollup_daily;
    INSERT INTO event_rollup_hourly (hour_ms, type, action, severity, count)
      SELECT occurred_at_ms - (occurred_at_ms % 3600000), type, action, severity, count(*) FROM events GROUP BY 1, 2, 3, 4;
    INSERT INTO event_rollup_daily (day_ms, dimension, key, type, action, count)
      SELECT occurred_at_ms - (occurred_at_ms % 86400000), 'user', user_name, type, action, count(*) FROM events WHERE user_name IS NOT NULL GROUP BY 1, 3, 4, 5;
    INSERT INTO event_rollup_daily (day_ms, dimension, key, type, action, count)
      SELECT occurred_at_ms - (occurred_at_ms % 86400000), 'host', host, type, action, count(*) FROM events GROUP BY 1, 3, 4, 5;
    INSERT INTO event_rollup_daily (day_ms, dimension, key, type, action, count)
      SELECT occurred_at_ms - (occurred_at_ms % 86400000), 'device', device_key, type, action, count(*) FROM events WHERE device_key IS NOT NULL GROUP BY 1, 3, 4, 5;
    INSERT INTO event_rollup_daily (day_ms, dimension, key, type, action, count)
      SELECT occurred_at_ms - (occurred_at_ms % 86400000), 'app', app, type, action, count(*) FROM events WHERE app IS NOT NULL GROUP BY 1, 3, 4, 5;
  `);
  await exec(db, 'PRAGMA journal_mode = WAL;');
  await new Promise<void>((resolve, reject) => db.close((err) => (err ? reject(err) : resolve())));
  process.stderr.write(`seed: done in ${Math.round((Date.now() - started) / 1000)} s\n`);
}
