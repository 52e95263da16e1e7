import { startTestConsole } from '../testing/test-console';
import { describeTriageListRoutes } from './triage-list-routes-test-helpers';

describeTriageListRoutes('SQLite', () => startTestConsole(), (t) => t.stop());
