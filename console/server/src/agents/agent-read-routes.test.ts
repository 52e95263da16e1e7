import { startTestConsole } from '../testing/test-console';
import { describeAgentReadRoute } from './agent-read-routes-test-helpers';

describeAgentReadRoute('SQLite', () => startTestConsole(), (t) => t.stop());
