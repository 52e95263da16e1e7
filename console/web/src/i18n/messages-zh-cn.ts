import { accountZhCn } from './catalogue/account-zh-cn';
import { integrityZhCn } from './catalogue/integrity-zh-cn';
import { reportsZhCn } from './catalogue/reports-zh-cn';
import { auditZhCn } from './catalogue/audit-zh-cn';
import { exceptionsZhCn } from './catalogue/exceptions-zh-cn';
import { groupsZhCn } from './catalogue/groups-zh-cn';
import { enrollmentZhCn } from './catalogue/enrollment-zh-cn';
import { managementZhCn } from './catalogue/management-zh-cn';
import { policiesZhCn } from './catalogue/policies-zh-cn';
import { usersZhCn } from './catalogue/users-zh-cn';
import { alertsZhCn } from './catalogue/alerts-zh-cn';
import { alertsInboxZhCn } from './catalogue/alerts-inbox-zh-cn';
import { agentPlacementZhCn } from './catalogue/agent-placement-zh-cn';
import { settingsZhCn } from './catalogue/settings-zh-cn';
import { agentClockZhCn } from './catalogue/agent-clock-zh-cn';
import { fleetZhCn } from './catalogue/fleet-zh-cn';
import { hostZhCn } from './catalogue/host-zh-cn';
import { hostScanZhCn } from './catalogue/host-scan-zh-cn';
import { searchZhCn } from './catalogue/search-zh-cn';
import { agentTableZhCn } from './catalogue/agent-table-zh-cn';
import { contentZhCn } from './catalogue/content-zh-cn';
import type { MessageKey } from './messages-en';
import { policyFormZhCn } from './catalogue/policy-form-zh-cn';
import { impactZhCn } from './catalogue/impact-zh-cn';
import { errorsZhCn } from './catalogue/errors-zh-cn';
import { uninstallZhCn } from './catalogue/uninstall-zh-cn';

/** Simplified Chinese UI texts; the type forces the same keys as the English catalogue. */
export const messagesZhCn: Record<MessageKey, string> = {
  'app.productName': '终端数据防泄漏控制台',
  'app.documentTitle': '终端数据防泄漏控制台',
  'app.loading': '正在加载…',
  'app.unreachable.title': '无法连接控制台',
  'app.unreachable.body': '请检查网络连接后重试。',

  'nav.label': '主导航',
  'nav.agents': '终端',
  'nav.events': '事件',

  'header.userLabel': '当前用户 {username}（{role}）',
  'header.language': '语言',
  'header.logout': '退出登录',
  'header.logoutFailed': '退出失败：{reason}',

  'role.admin': '管理员',
  'role.officer': '安全专员',
  'role.auditor': '审计员',

  'common.retry': '重试',
  'common.none': '—',
  'common.loadMore': '加载更多',
  'common.loadingMore': '正在加载…',
  'common.updated': '更新于 {time}',

  'error.network': '无法连接控制台，请检查网络连接。',
  'error.sessionExpired': '会话已结束，请重新登录。',
  'error.forbidden': '您的角色无权执行此操作。',
  'error.rateLimited': '请求过于频繁，请稍候一分钟再试。',
  'error.invalidResponse': '控制台返回了本页面无法识别的响应。',
  'error.server': '控制台报告错误：{message}',

  'login.title': '登录',
  'login.subtitle': '供管理员、安全专员和审计员使用。',
  'login.username': '用户名',
  'login.password': '密码',
  'login.submit': '登录',
  'login.submitting': '正在登录…',
  'login.missingFields': '请输入用户名和密码。',
  'login.invalidCredentials': '用户名或密码错误。连续失败 5 次后，账户将被锁定 15 分钟。',
  'login.network': '无法连接控制台，请检查网络连接后重试。',
  'login.rateLimited': '登录尝试次数过多，请稍候一分钟再试。',
  'login.failed': '登录失败：{message}',

  'agents.title': '终端代理',
  'agents.summary': '已注册 {total} 台 · 在线 {online} 台',
  'agents.col.host': '主机',
  'agents.col.os': '操作系统',
  'agents.col.user': '用户',
  'agents.col.version': '代理版本',
  'agents.col.status': '状态',
  'agents.col.lastSeen': '最后在线',
  'agents.col.policy': '已应用策略',
  'agents.col.capabilities': '生效的管控',
  'agents.status.online': '在线',
  'agents.status.offline': '离线',
  'agents.status.revoked': '已吊销',
  'agents.lastSeen.never': '从未',
  'agents.policy.none': '尚未应用',
  'agents.policy.named': '{name} 第 {version} 版',
  'agents.policy.serial': '序号 {serial}',
  'agents.policy.olderVersion': '序号 {serial}（旧版本）',
  'agents.empty.title': '尚无已注册的终端',
  'agents.empty.intro': '终端注册后会立即显示在这里。注册一台工作站的步骤：',
  'agents.empty.step1':
    '获取注册密钥：管理员通过 POST /api/v1/enroll-secrets 创建，或在启动控制台时设置 DLP_LOCAL_ENROLL_SECRET。密钥只显示一次。',
  'agents.empty.step2': '在工作站上安装代理，并在其配置文件中写入：',
  'agents.empty.step3': '启动代理服务。它只注册一次并自行保存凭据，随后会以在线状态显示在这里。',

  'cap.notReported': '尚未上报',
  'cap.apps.fanotify': '应用管控：fanotify（启动前拦截）',
  'cap.apps.procScan': '应用管控：/proc 扫描（启动后终止）',
  'cap.apps.none': '应用管控：不可用',
  'cap.apps.failOpen': '超时放行',
  'cap.apps.failClosed': '超时拒绝',
  'cap.apps.helperStopped': '执行拦截辅助进程未运行',
  'cap.apps.helperTimeouts': '决策超时 {count} 次',
  'cap.usb.sysfs': 'USB 存储：sysfs 授权控制',
  'cap.usb.mountGuard': '含挂载守护',
  'cap.usb.none': 'USB 存储：不可用',
  'cap.screen.toolsOn': '截屏工具拦截：可用',
  'cap.screen.toolsOff': '截屏工具拦截：不可用',
  'cap.screen.exclusionOn': '窗口防截屏：可用',
  'cap.screen.exclusionOff': '窗口防截屏：{os} 上不可用',

  'events.title': '事件',
  'events.subtitle': '最新的在最上方，新事件实时显示。',
  'events.col.time': '时间',
  'events.col.host': '主机',
  'events.col.user': '用户',
  'events.col.type': '类型',
  'events.col.action': '动作',
  'events.col.severity': '严重性',
  'events.col.rule': '规则',
  'events.col.subject': '对象',
  'events.filter.action': '动作',
  'events.filter.type': '类型',
  'events.filter.all': '全部',
  'events.filters': '筛选',
  'events.empty': '暂无符合筛选条件的事件。新事件到达后会显示在这里。',
  'events.open': '在“检索与处置”中打开 {host} 的这条{type}事件',
  'events.loadOlder': '加载更早的事件',
  'events.shown': '显示 {count} 行',

  'connection.label': '实时更新',
  'connection.connecting': '正在连接…',
  'connection.live': '实时',
  'connection.reconnecting': '正在重连…',

  'action.blocked': '已阻止',
  'action.would-block': '将阻止（监控）',
  'action.allowed': '已放行',
  'action.info': '信息',

  'type.app': '应用程序',
  'type.usb': 'USB 设备',
  'type.screen-capture': '屏幕截取',
  'type.bypass': '绕过拦截',
  'type.content': '内容（个人信息）',
  'type.policy': '策略',
  'type.agent': '代理',
  'type.gap': '事件缺口',

  'severity.low': '低',
  'severity.medium': '中',
  'severity.high': '高',
  'severity.critical': '严重',

  'subject.process.sha': 'sha256 {short}',
  'subject.process.fanotify': '启动前拦截',
  'subject.process.procScan': '启动后终止',
  'subject.process.suppressed': '另有 {count} 次相同',
  'subject.process.viaScript': '经 {interpreter} 运行（脚本）',
  'subject.process.viaLoader': '经 {interpreter} 运行（动态加载器）',
  'subject.device.id': 'USB {vendorId}:{productId}',
  'subject.device.serial': '序列号 {serial}',
  'subject.device.mount': '挂载于 {path}',
  'usbOutcome.inserted': '已插入',
  'usbOutcome.removed': '已拔出',
  'usbOutcome.device-blocked': '整个设备已阻止',
  'usbOutcome.interface-blocked': '存储接口已阻止，其他功能不受影响',
  'usbOutcome.unmounted': '已卸载',
  'usbOutcome.read-only': '已以只读方式挂载',
  'usbOutcome.allowed-by-exception': '按例外放行',
  'usbOutcome.allowed-by-unlock-code': '按解锁码放行',
  'usbOutcome.exception-expired': '例外已过期',
  'usbOutcome.enforcement-failed': '无法设为只读：写入仍可能到达设备',
  'usbWriteProtection.remount': '已重新挂载为只读',
  'usbWriteProtection.writers-stopped': '已终止写入进程，随后重新挂载为只读',
  'usbWriteProtection.filesystem-shutdown': '文件系统已关闭：所有写入均失败',
  'usbWriteProtection.device-cut': '设备已断开',
  'subject.device.stoppedWriters': '已终止 {count} 个写入进程：{list}',
  'subject.policy.serial': '策略序号 {serial}',
  'subject.gap': '代理丢弃的事件：{dropped} 个（序号 {fromSeq}–{toSeq}）',
  'subject.file.match': '{detector} ×{count}',

  'detector.cn-resident-id': '居民身份证号',
  'detector.cn-mobile': '手机号',
  'detector.bank-card': '银行卡号',
  'detector.cn-uscc': '统一社会信用代码',
  'detector.email': '电子邮箱',

  'chart.title': '最近一小时每分钟事件数',
  'chart.summary': '最近一小时共 {total} 个：{parts}。最多的一分钟：{peakTime}（{peak} 个）。',
  'chart.summaryEmpty': '最近一小时没有事件。',
  'chart.part': '{action} {count}',
  'chart.bar': '{time}：{parts}',
  'chart.barEmpty': '{time}：无事件',
  'chart.now': '现在',
  'chart.truncated': '仅统计本小时内最新的 {count} 个事件。',
  // The management pages' texts live in catalogue/, one file per area, to keep files small.
  ...integrityZhCn,
  ...accountZhCn,
  ...managementZhCn,
  ...exceptionsZhCn,
  ...policiesZhCn,
  ...groupsZhCn,
  ...enrollmentZhCn,
  ...auditZhCn,
  ...usersZhCn,
  ...reportsZhCn,
  ...alertsZhCn,
  ...alertsInboxZhCn,
  ...agentPlacementZhCn,
  ...settingsZhCn,
  ...agentClockZhCn,
  ...fleetZhCn,
  ...hostZhCn,
  ...hostScanZhCn,
  ...searchZhCn,
  ...agentTableZhCn,
  ...contentZhCn,
  ...policyFormZhCn,
  ...impactZhCn,
  ...errorsZhCn,
  ...uninstallZhCn,
};
