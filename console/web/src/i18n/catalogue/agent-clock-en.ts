/** Agent clocks: the measured skew on the Agents page, both times of an event, the clock-skew alert (English). */
export const agentClockEn = {
  'agents.col.clock': 'Clock',
  'agents.clock.unknown': 'not reported',
  'agents.clock.inSync': 'in sync',
  'agents.clock.ahead': '{amount} ahead',
  'agents.clock.behind': '{amount} behind',
  'agents.clock.seconds': '{count} s',
  'agents.clock.title': 'Agent clock minus console clock, measured {at}. Events of this agent are placed by the console’s clock.',

  'events.time.agent': 'Agent time',
  'events.time.received': 'Received',
  'events.time.placedHint': 'The agent’s clock was off or its time was implausible: search, order and reports use this time.',

  'alerts.kind.clock-skew': 'Agent clock off',
  'alerts.what.clock-skew': 'Clock off by {seconds} s',
  'alerts.rules.skewSeconds': 'Clock off by more than (seconds)',
  'alerts.rules.describe.clock-skew': 'Agent clock off by more than {seconds} s',
} as const;
