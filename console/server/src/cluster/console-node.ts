import { statfs } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { StoredEvent } from '@dlp/shared';
import path from 'node:path';
import type { Logger } from '../logging/logger';
import { watchStoreWrites, WriteHealth } from '../ops/write-health';
import { pgEventsInRanges } from '../store/postgres/pg-event-queries';
import { pgStatements } from '../store/postgres/pg-statements';
import { openPostgresStore } from '../store/postgres/postgres-store';
import { openSqliteStore } from '../store/sqlite/sqlite-store';
import { NEW_DATABASE_PAGE_SIZE } from '../store/sqlite/sqlite-worker-db';
import type { ConsoleStore } from '../store/store';
import type { EventSeqRange } from './cluster-bridge';
import { InProcessClusterBus, type ClusterBus } from './cluster-bus';
import { NodeLiveness, type ConnectedAgents } from './node-liveness';
import { PgClusterBus } from './pg-cluster-bus';

export interface ConsoleNodeOptions {
  /** Holds console.sqlite when no database URL is given. */
  dataDir: string;
  /** postgres://… selects the PostgreSQL store (several nodes may share it); SQLite otherwise. */
  databaseUrl?: string;
  /** Schema for the console's tables in that database (default: the connection's search_path). */
  databaseSchema?: string;
  /** This node's stable name (agents it serves are recorded under it); defaults to host:port. */
  nodeId?: string;
  /** PostgreSQL only: event-ingest transactions in flight at once (the store's default otherwise). */
  ingestTransactions?: number;
  /** The port asked for, used in the default node id when it is fixed. */
  port?: number;
  synchronous?: 'FULL' | 'NORMAL';
  /** PostgreSQL only: statement timeout in ms (the store's default otherwise; 0 disables). */
  statementTimeoutMs?: number;
  logger: Logger;
}

/** The store a console node works on and the bus that joins it to the other nodes. */
export interface ConsoleNode {
  readonly kind: 'sqlite' | 'postgres';
  readonly nodeId: string;
  readonly store: ConsoleStore;
  readonly bus: ClusterBus;
  /** Whether the database takes writes now (for /readyz); fed by every store transaction. */
  readonly writeHealth: WriteHealth;
  /** Reads events other nodes announced (PostgreSQL only: SQLite has a single node). */
  readonly readEvents?: (ranges: readonly EventSeqRange[]) => Promise<StoredEvent[]>;
  /**
   * Tells the node which agents it holds connections for, so their online marks are repaired after
   * the database was away (PostgreSQL; a SQLite node has no liveness rounds).
   */
  trackConnectedAgents(connected: ConnectedAgents): void;
  /** Closes the bus, then the store. */
  close(): Promise<void>;
}

/** Accepts only PostgreSQL URLs; the message never repeats the URL (it may hold a password). */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/**
 * Free space below which a SQLite data dir counts as full: one ingest group (5,000 events with their
 * index entries) writes several MiB to the WAL, so a disk with less cannot take the next one.
 */
export const SQLITE_MIN_FREE_BYTES = 16 * 1024 * 1024;

/** Fails with SQLITE_FULL while the file system of `dir` has less than {@link SQLITE_MIN_FREE_BYTES} free. */
async function assertFreeSpace(dir: string): Promise<void> {
  const fs = await statfs(dir);
  if (fs.bavail * fs.bsize < SQLITE_MIN_FREE_BYTES) throw Object.assign(new Error('too little free space for the database'), { code: 'SQLITE_FULL' });
}

/** The NOTIFY channel of one schema: nodes of different schemas in one database must not hear each other. */
function channelFor(schema: string | undefined): string {
  return `dlp_cluster${schema === undefined ? '' : `_${schema}`}`.slice(0, 63);
}

/** Opens the store chosen by the options and the matching cluster bus. */
export async function openConsoleNode(options: ConsoleNodeOptions): Promise<ConsoleNode> {
  const nodeId = options.nodeId ?? `${hostname()}:${options.port !== undefined && options.port !== 0 ? options.port : process.pid}`;
  if (options.databaseUrl === undefined) {
    const file = path.join(options.dataDir, 'console.sqlite');
    const opened = await openSqliteStore({ path: file, synchronous: options.synchronous ?? 'FULL' });
    // Probe: enough free space, then a write transaction (BEGIN IMMEDIATE takes the write lock).
    const writeHealth = new WriteHealth(async () => {
      await assertFreeSpace(options.dataDir);
      await opened.transaction(async (tx) => void (await tx.settings.get('readiness-probe')));
    });
    const store = watchStoreWrites(opened, writeHealth);
    options.logger.info('store: SQLite', {
      path: file,
      pageSize: store.pageSize,
      ...(store.pageSize < NEW_DATABASE_PAGE_SIZE ? { hint: 'created with smaller pages; docs/OPERATIONS.md (SQLite: page size) converts it for faster ingest' } : {}),
    });
    const bus = new InProcessClusterBus(nodeId);
    return {
      kind: 'sqlite',
      nodeId,
      store,
      bus,
      writeHealth,
      trackConnectedAgents: () => undefined,
      close: async () => {
        await bus.close();
        await store.close();
      },
    };
  }
  if (!isPostgresUrl(options.databaseUrl)) throw new Error('the database URL must start with postgres:// or postgresql://');
  const opened = await openPostgresStore({
    connectionString: options.databaseUrl,
    nodeId,
    ...(options.databaseSchema !== undefined ? { schema: options.databaseSchema } : {}),
    ...(options.ingestTransactions !== undefined ? { ingestTransactions: options.ingestTransactions } : {}),
    ...(options.statementTimeoutMs !== undefined ? { statementTimeoutMs: options.statementTimeoutMs } : {}),
  });
  const sql = pgStatements(opened.pool);
  // Probe: a real write (this node's liveness stamp), so a read-only standby fails it too.
  const writeHealth = new WriteHealth(async () => {
    await sql.run('UPDATE cluster_nodes SET seen_at_ms = ? WHERE node_id = ?', [Date.now(), nodeId]);
  });
  const store = watchStoreWrites(opened, writeHealth);
  let bus: PgClusterBus;
  try {
    bus = await PgClusterBus.start({
      // Named like the pool's connections, so operators see (and can end) every connection of a node.
      connection: { connectionString: options.databaseUrl, application_name: `dlp-console-bus ${nodeId}`.slice(0, 63) },
      pool: store.pool,
      channel: channelFor(options.databaseSchema),
      nodeId,
      logger: options.logger,
    });
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  const liveness = new NodeLiveness({ sql, nodeId, logger: options.logger });
  try {
    await liveness.start();
  } catch (err) {
    await bus.close().catch(() => undefined);
    await store.close().catch(() => undefined);
    throw err;
  }
  options.logger.info('store: PostgreSQL', { nodeId, schema: options.databaseSchema ?? null });
  return {
    kind: 'postgres',
    nodeId,
    store,
    bus,
    writeHealth,
    readEvents: (ranges) => pgEventsInRanges(sql, ranges),
    trackConnectedAgents: (connected) => liveness.trackConnectedAgents(connected),
    close: async () => {
      await liveness.stop();
      await bus.close();
      await store.close();
    },
  };
}
