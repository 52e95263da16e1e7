import { runStoreSuitesOnSqlite } from '../store/suite/store-suite-runners';
import { EVENT_SERVICE_STORE_SUITES } from './event-services-store-suites';

runStoreSuitesOnSqlite('event services on SQLite', EVENT_SERVICE_STORE_SUITES);
