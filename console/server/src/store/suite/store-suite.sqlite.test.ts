import { ALL_STORE_SUITES } from './all-store-suites';
import { runStoreSuitesOnSqlite } from './store-suite-runners';

runStoreSuitesOnSqlite('store suite on SQLite', ALL_STORE_SUITES);
