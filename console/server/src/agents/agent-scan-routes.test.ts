import { startTestConsole } from '../testing/test-console';
import { describeAgentScanRoutes } from './agent-scan-routes-test-helpers';

describeAgentScanRoutes('SQLite', () => startTestConsole(), (t) => t.stop());
