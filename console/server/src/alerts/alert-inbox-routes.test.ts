import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../store/sqlite/sqlite-store';
import { startTestConsole } from '../testing/test-console';
import { describeAlertInboxRoutes, seedAlerts } from './alert-inbox-routes-test-helpers';

describeAlertInboxRoutes(
  'SQLite',
  async () => {
    // Seeded before the console opens its database: the test and the console never share a connection.
    const dataDir = mkdtempSync(path.join(tmpdir(), 'dlp-alert-inbox-'));
    const store = await openSqliteStore({ path: path.join(dataDir, 'console.sqlite') });
    await seedAlerts(store);
    await store.close();
    return startTestConsole({ dataDir });
  },
  (t) => t.stop(),
);
