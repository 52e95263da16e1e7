import type { accountEn } from './account-en';

/** 修改密码页面与页头账户入口（简体中文）。 */
export const accountZhCn: Record<keyof typeof accountEn, string> = {
  'nav.changePassword': '修改密码',

  'password.title': '修改密码',
  'password.forcedTitle': '设置新密码',
  'password.forcedIntro': '继续使用前必须更换密码（该密码是分配给您的、由管理员重置的，或已过期）。',
  'password.intro': '修改密码后，您的其他会话将被注销，当前会话保持登录。',
  'password.current': '当前密码',
  'password.new': '新密码',
  'password.confirm': '再次输入新密码',
  'password.rules': '至少 12 个字符，不得包含用户名，且不能是常用密码。',
  'password.submit': '修改密码',
  'password.submitting': '正在修改…',
  'password.changed': '密码已修改。',
  'password.mismatch': '两次输入的新密码不一致。',
  'password.missing': '请填写当前密码和新密码。',
  'password.wrongCurrent': '当前密码错误。',
  'password.rule.password_too_short': '新密码太短：至少需要 12 个字符。',
  'password.rule.password_contains_username': '新密码不得包含您的用户名（包括 w4ngw3i 这类数字替换、形近字母或倒写）。',
  'password.rule.password_whitespace_only': '新密码不能只由空格组成。',
  'password.rule.password_control_characters': '新密码不能包含控制字符（NUL、制表符、换行等）。',
  'password.rule.password_marks_only': '新密码不能只由组合附加符号（重音符等）组成。',
  'password.rule.password_repetitive': '新密码重复的字符太多：请至少使用 5 个不同的字符。',
  'password.rule.password_common_pattern': '新密码是常见单词加数字或符号（如 Password123!），攻击者会最先尝试。',
  'password.rule.password_common': '新密码过于常见：它在攻击者最先尝试的密码列表中。',
  'password.rule.password_unchanged': '新密码必须与当前密码不同。',
  'password.signOutInstead': '改为退出登录',
};
