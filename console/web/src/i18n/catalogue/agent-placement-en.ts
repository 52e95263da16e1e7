/** Moving an agent to another group and the effective policy it then gets (English). */
export const agentPlacementEn = {
  'agents.col.group': 'Group',

  'move.button': 'Move…',
  'move.open': 'Move {host} to another group',
  'move.title': 'Move {host} to another group',
  'move.current': 'Now in group: {group}',
  'move.target': 'New group',
  'move.choose': 'Choose a group…',
  'move.confirmPolicy':
    '{host} will enforce the policy of group {group}: “{policy}” v{version}. The console pushes it to the agent at once (an offline agent gets it when it reconnects).',
  'move.confirmNoPolicy': 'Group {group} has no policy: {host} keeps enforcing the policy it holds until the group gets one.',
  'move.submit': 'Move and push policy',
  'move.done': '{host} is now in group {group}.',
  'move.recheck': 'Check again',

  'effective.source': 'Effective policy',
  'effective.sourceLine': 'group “{group}” → policy “{policy}” v{version} (serial {serial})',
  'effective.noPolicy': 'group “{group}” has no policy',
  'effective.mode': 'Mode',
  'effective.mode.monitor': 'Monitor (reports what it would block)',
  'effective.mode.enforce': 'Enforce',
  'effective.applied': 'Agent reports',
  'effective.appliedNone': 'No policy reported yet',
  'effective.inSync': 'In sync',
  'effective.waiting': 'Waiting for the agent',
} as const;
