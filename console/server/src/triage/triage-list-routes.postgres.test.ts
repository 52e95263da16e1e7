import { postgresTestConsoles } from '../testing/postgres-consoles';
import { describeTriageListRoutes } from './triage-list-routes-test-helpers';

const consoles = postgresTestConsoles('dlp_triage_list');

describeTriageListRoutes('PostgreSQL', consoles.start, consoles.stop);
