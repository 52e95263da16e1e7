import { postgresTestConsoles } from '../testing/postgres-consoles';
import { describeAgentScanRoutes } from './agent-scan-routes-test-helpers';

const consoles = postgresTestConsoles('dlp_agent_scans');

describeAgentScanRoutes('PostgreSQL', consoles.start, consoles.stop);
