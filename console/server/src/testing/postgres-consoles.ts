import { dropTestSchema, randomSchemaName, TEST_DATABASE_URL } from './postgres-schema';
import { startTestConsole, type TestConsole } from './test-console';

/**
 * Start and stop functions for the shared route-test suites' PostgreSQL runs: each console gets a
 * schema of its own (named from `prefix`), dropped after it stops. `prepare` runs on the new schema's
 * name before the console starts (e.g. to seed rows through a store of its own).
 */
export function postgresTestConsoles(
  prefix: string,
  prepare?: (schema: string) => Promise<void>,
): { start: () => Promise<TestConsole>; stop: (t: TestConsole) => Promise<void> } {
  const schemas = new WeakMap<TestConsole, string>();
  return {
    async start() {
      const schema = randomSchemaName(prefix);
      await prepare?.(schema);
      const t = await startTestConsole({ databaseUrl: TEST_DATABASE_URL, databaseSchema: schema });
      schemas.set(t, schema);
      return t;
    },
    async stop(t) {
      await t.stop();
      const schema = schemas.get(t);
      if (schema !== undefined) await dropTestSchema(schema);
    },
  };
}
