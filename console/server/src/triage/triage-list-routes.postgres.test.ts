import { dropTestSchema, randomSchemaName, TEST_DATABASE_URL } from '../testing/postgres-schema';
import { startTestConsole, type TestConsole } from '../testing/test-console';
import { describeTriageListRoutes } from './triage-list-routes-test-helpers';

/** Each console gets its own schema, dropped after it stops. */
const schemas = new WeakMap<TestConsole, string>();

describeTriageListRoutes(
  'PostgreSQL',
  async () => {
    const schema = randomSchemaName('dlp_triage_list');
    const t = await startTestConsole({ databaseUrl: TEST_DATABASE_URL, databaseSchema: schema });
    schemas.set(t, schema);
    return t;
  },
  async (t) => {
    await t.stop();
    const schema = schemas.get(t);
    if (schema !== undefined) await dropTestSchema(schema);
  },
);
