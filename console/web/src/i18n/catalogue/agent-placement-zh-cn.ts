import type { agentPlacementEn } from './agent-placement-en';

/** 将终端移到其他分组，以及移动后的生效策略（简体中文）。 */
export const agentPlacementZhCn: Record<keyof typeof agentPlacementEn, string> = {
  'agents.col.group': '分组',

  'move.button': '移动…',
  'move.open': '将 {host} 移到其他分组',
  'move.title': '将 {host} 移到其他分组',
  'move.current': '当前分组：{group}',
  'move.target': '新分组',
  'move.choose': '选择分组…',
  'move.confirmPolicy': '{host} 将执行分组 {group} 的策略：“{policy}” v{version}。控制台会立即把策略下发到该终端（离线终端在重新连接时收到）。',
  'move.confirmNoPolicy': '分组 {group} 没有策略：在该分组分配策略之前，{host} 继续执行其现有策略。',
  'move.submit': '移动并下发策略',
  'move.done': '{host} 已移到分组 {group}。',
  'move.recheck': '重新检查',

  'effective.source': '生效策略',
  'effective.sourceLine': '分组“{group}”→ 策略“{policy}” v{version}（序列号 {serial}）',
  'effective.noPolicy': '分组“{group}”没有策略',
  'effective.mode': '模式',
  'effective.mode.monitor': '监控（只报告将会拦截的操作）',
  'effective.mode.enforce': '强制执行',
  'effective.applied': '终端报告',
  'effective.appliedNone': '尚未报告策略',
  'effective.inSync': '已同步',
  'effective.waiting': '等待终端应用',
};
