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
};
