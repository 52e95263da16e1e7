/** The host page's address: `/agents/<agent id>` (the Agents route owns every path below it). */
export function hostPath(agentId: string): string {
  return `/agents/${encodeURIComponent(agentId)}`;
}
