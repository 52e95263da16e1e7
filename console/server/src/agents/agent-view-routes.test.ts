import { startTestConsole } from '../testing/test-console';
import { describeAgentViewRoutes } from './agent-view-routes-test-helpers';

describeAgentViewRoutes('SQLite', () => startTestConsole(), (t) => t.stop());
