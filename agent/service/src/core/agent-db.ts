import path from 'node:path';
import { migrate, SqliteDatabase, type Migration } from '@dlp/shared/node';
import { WATCHED_FILE_SCANS_MIGRATION } from '../enforce/content/watched-scan-records';

const MIGRATIONS: Migration[] = [
  {
    id: 1,
    name: 'outbox and policy state',
    sql: `
      CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY,
        type TEXT NOT NULL,
        body TEXT NOT NULL
      );
      CREATE TABLE outbox_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        last_seq INTEGER NOT NULL
      );
      INSERT INTO outbox_state (id, last_seq) VALUES (1, 0);
      CREATE TABLE policy_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        highest_serial INTEGER NOT NULL,
        highest_hash TEXT NOT NULL,
        accepted_at TEXT NOT NULL
      );
    `,
  },
  {
    id: 2,
    name: 'group assignment',
    // The newest signed "this agent is in group G" the console sent; its serial is the anti-rollback mark.
    sql: `
      CREATE TABLE group_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        group_id TEXT NOT NULL,
        serial INTEGER NOT NULL,
        signed_json TEXT NOT NULL,
        accepted_at TEXT NOT NULL
      );
    `,
  },
  // What the watched-folder channel judged (path, file version, criteria), so a restart does not scan it again.
  { id: 3, ...WATCHED_FILE_SCANS_MIGRATION },
];

/**
 * Opens `<dataDir>/agent.sqlite`. synchronous=NORMAL: durable against a crash of the agent, and
 * an event lost to a power cut before the console acked it is the accepted trade for cheap commits.
 */
export async function openAgentDatabase(dataDir: string): Promise<SqliteDatabase> {
  const db = await SqliteDatabase.open(path.join(dataDir, 'agent.sqlite'), { synchronous: 'NORMAL' });
  try {
    await migrate(db, MIGRATIONS);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
