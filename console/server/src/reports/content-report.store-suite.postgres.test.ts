import { runStoreSuitesOnPostgres } from '../store/suite/store-suite-runners';
import { contentReportSuite } from './content-report.store-suite';

runStoreSuitesOnPostgres('customer-data report on PostgreSQL', [{ name: 'content-report', suite: contentReportSuite }]);
