import { ALL_STORE_SUITES } from './all-store-suites';
import { runStoreSuitesOnPostgres } from './store-suite-runners';

runStoreSuitesOnPostgres('store suite on PostgreSQL', ALL_STORE_SUITES);
