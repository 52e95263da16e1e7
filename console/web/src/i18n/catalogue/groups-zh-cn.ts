import type { groupsEn } from './groups-en';

/** 分组、下发进度与注册密钥（简体中文）。 */
export const groupsZhCn: Record<keyof typeof groupsEn, string> = {
  'groups.title': '分组',
  'groups.subtitle': '每个终端属于一个分组，并执行该分组的策略。下发进度显示当前版本的覆盖情况。',
  'groups.newName': '新分组',
  'groups.create': '创建分组',
  'groups.col.name': '分组',
  'groups.col.agents': '终端数',
  'groups.col.policy': '策略',
  'groups.col.rollout': '下发进度',
  'groups.col.failed': '失败的终端',
  'groups.builtIn': '内置',
  'groups.noPolicy': '无策略',
  'groups.assignFor': '分组 {group} 的策略',

  'rollout.applied': '已生效',
  'rollout.pending': '下发中',
  'rollout.failed': '失败',
  'rollout.offline': '离线',
  'rollout.label': '{group} 的下发进度：{parts}',

  'secrets.title': '注册密钥',
  'secrets.intro': '终端使用密钥注册一次，并加入该密钥所属的分组。不再分发的密钥请删除。',
  'secrets.label': '标签',
  'secrets.group': '分组',
  'secrets.created': '创建时间',
  'secrets.create': '创建密钥',
  'secrets.none': '没有注册密钥。',
  'secrets.createdLabel': '分组 {group} 的注册密钥“{label}”',
};
