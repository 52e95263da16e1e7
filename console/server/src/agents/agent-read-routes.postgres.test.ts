import { postgresTestConsoles } from '../testing/postgres-consoles';
import { describeAgentReadRoute } from './agent-read-routes-test-helpers';

const consoles = postgresTestConsoles('dlp_agent_read');

describeAgentReadRoute('PostgreSQL', consoles.start, consoles.stop);
