import { runStoreSuitesOnPostgres } from '../store/suite/store-suite-runners';
import { agentOverviewSuite } from './agent-overview.store-suite';

runStoreSuitesOnPostgres('fleet overview on PostgreSQL', [{ name: 'agent-overview', suite: agentOverviewSuite }]);
