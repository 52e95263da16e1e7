import type { managementEn } from './management-en';

/** 管理页面共用文本：导航、通用按钮、时长、错误代码（简体中文）。 */
export const managementZhCn: Record<keyof typeof managementEn, string> = {
  'nav.exceptions': '例外申请',
  'nav.policies': '策略',
  'nav.groups': '分组',
  'nav.audit': '审计日志',
  'nav.users': '用户',

  'common.close': '关闭',
  'common.cancel': '取消',
  'common.save': '保存',
  'common.delete': '删除',
  'common.create': '创建',
  'common.all': '全部',
  'common.copy': '复制',
  'common.copied': '已复制',
  'common.copyFailed': '复制失败：请选中文本手动复制。',
  'common.working': '正在处理…',
  'common.readOnly': '只读：您的角色可以查看此页面，但不能修改。',
  'common.shownOnce': '仅显示这一次：控制台不保留副本。',

  'duration.minutes': '{count} 分钟',
  'duration.hours': '{count} 小时',
  'duration.days': '{count} 天',

  'error.invalidInput': '控制台拒绝了输入：{issues}',
  'error.code.own_request': '任何人都不得审批自己提出的例外申请。',
  'error.code.already_decided': '该申请已由他人处理。',
  'error.code.duration_too_long': '时长只能缩短，不能超过申请的时长。',
  'error.code.not_active': '只有已批准且未过期的例外才能撤销。',
  'error.code.no_unlock_key': '该终端注册于解锁码功能之前，没有解锁密钥。',
  'error.code.agent_revoked': '该终端已被吊销。',
  'error.code.stale_draft': '此草稿创建后已有新版本发布，请基于当前版本新建草稿。',
  'error.code.already_current': '该版本已是当前版本。',
  'error.code.group_exists': '已存在同名分组。',
  'error.code.username_taken': '该用户名已被占用。',
  'error.code.cannot_disable_self': '不能停用自己的账户。',
  'error.code.last_admin': '此操作将导致控制台没有可用的管理员。',
  'error.code.password_expired': '请先修改密码。',
  'error.code.not_found': '该对象已不存在（可能已被他人删除）。',
};
