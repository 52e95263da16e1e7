import { openPostgresStore } from '../store/postgres/postgres-store';
import { postgresTestConsoles } from '../testing/postgres-consoles';
import { TEST_DATABASE_URL } from '../testing/postgres-schema';
import { describeAlertInboxRoutes, seedAlerts } from './alert-inbox-routes-test-helpers';

/** The alerts are seeded through a store of their own before the console opens the schema. */
const consoles = postgresTestConsoles('dlp_alert_inbox', async (schema) => {
  const store = await openPostgresStore({ connectionString: TEST_DATABASE_URL, schema, maxConnections: 2 });
  await seedAlerts(store);
  await store.close();
});

describeAlertInboxRoutes('PostgreSQL', consoles.start, consoles.stop);
