import { postgresTestConsoles } from '../testing/postgres-consoles';
import { describeImpactBucketRoutes } from './impact-buckets-routes-test-helpers';

const consoles = postgresTestConsoles('dlp_impact_buckets');

describeImpactBucketRoutes('PostgreSQL', consoles.start, consoles.stop);
