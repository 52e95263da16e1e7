import { useHashPath } from '../../router/hash-router';
import { AgentsPage } from './agents-page';
import { HostPage } from './host-page';

/** `/agents` is the fleet overview and the agent table; `/agents/<id>` one host's page. */
export function AgentsRoute() {
  const [, , agentId] = useHashPath().split('/');
  if (agentId) return <HostPage key={agentId} agentId={decodeURIComponent(agentId)} />;
  return <AgentsPage />;
}
