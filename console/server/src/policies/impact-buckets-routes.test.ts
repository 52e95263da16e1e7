import { startTestConsole } from '../testing/test-console';
import { describeImpactBucketRoutes } from './impact-buckets-routes-test-helpers';

describeImpactBucketRoutes('SQLite', () => startTestConsole(), (t) => t.stop());
