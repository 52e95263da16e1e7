import type { agentClockEn } from './agent-clock-en';

/** 终端时钟：终端页上的时钟偏差、事件的两个时间、时钟偏差告警（简体中文）。 */
export const agentClockZhCn: Record<keyof typeof agentClockEn, string> = {
  'agents.col.clock': '时钟',
  'agents.clock.unknown': '未上报',
  'agents.clock.inSync': '已同步',
  'agents.clock.ahead': '快 {amount}',
  'agents.clock.behind': '慢 {amount}',
  'agents.clock.seconds': '{count} 秒',
  'agents.clock.title': '终端时钟减去控制台时钟，测量于 {at}。该终端的事件按控制台时钟定位。',

  'events.time.agent': '终端时间',
  'events.time.received': '接收时间',
  'events.time.placedHint': '终端时钟有偏差或时间不合理：搜索、排序和报表使用此时间。',

  'alerts.kind.clock-skew': '终端时钟偏差',
  'alerts.what.clock-skew': '时钟偏差 {seconds} 秒',
  'alerts.rules.skewSeconds': '时钟偏差超过（秒）',
  'alerts.rules.describe.clock-skew': '终端时钟偏差超过 {seconds} 秒',
};
