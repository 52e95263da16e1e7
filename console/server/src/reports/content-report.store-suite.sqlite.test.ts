import { runStoreSuitesOnSqlite } from '../store/suite/store-suite-runners';
import { contentReportSuite } from './content-report.store-suite';

runStoreSuitesOnSqlite('customer-data report on SQLite', [{ name: 'content-report', suite: contentReportSuite }]);
