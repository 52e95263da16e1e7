import type { settingsEn } from './settings-en';

/** 控制台设置页面（简体中文）。 */
export const settingsZhCn: Record<keyof typeof settingsEn, string> = {
  'nav.settings': '设置',
  'settings.title': '设置',
  'settings.subtitle': '适用于所有账户的控制台全局规则。',
  'settings.save': '保存设置',
  'settings.saved': '设置已保存。',
  'settings.rotation.title': '密码定期更换',
  'settings.rotation.intro': '开启后，密码使用时间超过期限的用户必须先修改密码，才能在控制台进行其他操作。该规则从每个账户的下一次请求起生效，包括密码已经超期的账户。',
  'settings.rotation.enable': '要求定期更换密码',
  'settings.rotation.days': '密码最长使用期限（天）',
  'settings.rotation.daysHint': '1 到 3650 之间的整数天数，例如每季度更换填 90。',
  'settings.rotation.invalid': '请输入 1 到 3650 之间的整数天数。',
  'settings.rotation.currentOff': '当前：不强制更换密码。',
  'settings.rotation.currentOn': '当前：密码每 {days} 天必须更换一次。',
  'settings.identity.title': '终端账户对应',
  'settings.identity.intro':
    '代理程序会上报申请例外的终端用户（例如 CORP\\olga 或 olga@corp.example）。以下规则把这些名称对应到控制台账户，使任何人都不能批准、拒绝自己提出的申请，也不能为其签发解锁码。',
  'settings.identity.patternHint':
    '规则按顺序尝试，第一条与完整名称匹配的规则生效。模式中 {user} 表示作为账户名的部分，* 匹配任意内容，不区分大小写。示例：模式 CORP\\{user}，账户 {user}。',
  'settings.identity.pattern': '上报名称模式（规则 {row}）',
  'settings.identity.account': '控制台账户（规则 {row}）',
  'settings.identity.remove': '删除规则 {row}',
  'settings.identity.add': '添加规则',
  'settings.identity.stripDomain': '没有规则匹配时，去掉 DOMAIN\\ 前缀和 @domain 后缀',
  'settings.identity.try': '试一个上报名称',
  'settings.identity.mapsTo': '对应控制台账户“{account}”。',
  'settings.identity.mapsToNone': '不对应任何控制台账户。',
  'settings.identity.invalid': '规则 {row} 无效：模式中 {user} 最多出现一次，* 最多两次；账户只有在模式包含它时才能使用 {user}。',
  'settings.identity.save': '保存账户对应',
  'settings.identity.saved': '账户对应已保存。',
};
