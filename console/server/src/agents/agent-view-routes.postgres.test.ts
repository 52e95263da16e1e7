import { postgresTestConsoles } from '../testing/postgres-consoles';
import { describeAgentViewRoutes } from './agent-view-routes-test-helpers';

const consoles = postgresTestConsoles('dlp_agent_views');

describeAgentViewRoutes('PostgreSQL', consoles.start, consoles.stop);
