import { runStoreSuitesOnSqlite } from '../store/suite/store-suite-runners';
import { agentOverviewSuite } from './agent-overview.store-suite';

runStoreSuitesOnSqlite('fleet overview on SQLite', [{ name: 'agent-overview', suite: agentOverviewSuite }]);
