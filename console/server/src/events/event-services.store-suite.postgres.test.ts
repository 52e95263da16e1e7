import { runStoreSuitesOnPostgres } from '../store/suite/store-suite-runners';
import { EVENT_SERVICE_STORE_SUITES } from './event-services-store-suites';

runStoreSuitesOnPostgres('event services on PostgreSQL', EVENT_SERVICE_STORE_SUITES);
