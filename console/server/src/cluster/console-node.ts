import { hostname } from 'node:os';
import type { StoredEvent } from '@dlp/shared';
import path from 'node:path';
import type { Logger } from '../logging/logger';
import { pgEventsInRanges } from '../store/postgres/pg-event-queries';
import { pgStatements } from '../store/postgres/pg-statements';
import { openPostgresStore } from '../store/postgres/postgres-store';
import { openSqliteStore } from '../store/sqlite/sqlite-store';
import { NEW_DATABASE_PAGE_SIZE } from '../store/sqlite/sqlite-worker-db';
import type { ConsoleStore } from '../store/store';
import type { EventSeqRange } from './cluster-bridge';
import { InProcessClusterBus, type ClusterBus } from './cluster-bus';
import { NodeLiveness } from './node-liveness';
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
  logger: Logger;
}

/** The store a console node works on and the bus that joins it to the other nodes. */
export interface ConsoleNode {
  readonly kind: 'sqlite' | 'postgres';
  readonly nodeId: string;
  readonly store: ConsoleStore;
  readonly bus: ClusterBus;
  /** Reads events other nodes announced (PostgreSQL only: SQLite has a single node). */
  readonly readEvents?: (ranges: readonly EventSeqRange[]) => Promise<StoredEvent[]>;
  /** Closes the bus, then the store. */
  close(): Promise<void>;
}

/** Accepts only PostgreSQL URLs; the message never repeats the URL (it may hold a password). */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
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
    const store = await openSqliteStore({ path: file, synchronous: options.synchronous ?? 'FULL' });
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
      close: async () => {
        await bus.close();
        await store.close();
      },
    };
  }
  if (!isPostgresUrl(options.databaseUrl)) throw new Error('the database URL must start with postgres:// or postgresql://');
  const store = await openPostgresStore({
    connectionString: options.databaseUrl,
    nodeId,
    ...(options.databaseSchema !== undefined ? { schema: options.databaseSchema } : {}),
    ...(options.ingestTransactions !== undefined ? { ingestTransactions: options.ingestTransactions } : {}),
  });
  let bus: PgClusterBus;
  try {
    bus = await PgClusterBus.start({
      connection: { connectionString: options.databaseUrl },
      pool: store.pool,
      channel: channelFor(options.databaseSchema),
      nodeId,
      logger: options.logger,
    });
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  const sql = pgStatements(store.pool);
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
    readEvents: (ranges) => pgEventsInRanges(sql, ranges),
    close: async () => {
      await liveness.stop();
      await bus.close();
      await store.close();
    },
  };
}
