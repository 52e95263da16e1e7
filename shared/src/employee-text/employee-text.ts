import type { IpcExceptionRequestResult, IpcUnlockResult } from '../schemas/ipc';
import type { BlockNotice, ConsoleLinkState, ControlInForce, ProtectionState } from '../schemas/ipc-employee';

/**
 * What the employee reads, in their language: the `dlp-agent` command and the tray both render the
 * agent's answers (codes, not sentences) through this one catalogue, so the two never disagree.
 * The agent's own `message` fields stay English for logs and scripts.
 */
export type EmployeeLocale = 'en' | 'zh-CN';

/** `zh_CN.UTF-8`, `zh-Hans-CN`, `zh` → zh-CN; anything else → en. */
export function employeeLocale(tag: string | undefined | null): EmployeeLocale {
  return tag && /^zh([-_]|$)/i.test(tag.trim()) ? 'zh-CN' : 'en';
}

/** The locale of a command-line process: LC_ALL, then LC_MESSAGES, then LANG (POSIX order). */
export function localeFromEnv(env: Record<string, string | undefined>): EmployeeLocale {
  return employeeLocale(env.LC_ALL || env.LC_MESSAGES || env.LANG);
}

type UnlockRefusal = Extract<IpcUnlockResult['result'], { ok: false }>;
type RequestRefusal = Extract<IpcExceptionRequestResult['result'], { ok: false }>;

export interface EmployeeText {
  protection: Record<ProtectionState, string>;
  consoleLink: Record<ConsoleLinkState, string>;
  control: Record<ControlInForce['control'], string>;
  controlState: Record<ControlInForce['state'], string>;
  unlockAccepted(deviceLabel: string, until: string): string;
  unlockRefused(refusal: Pick<UnlockRefusal, 'reason' | 'position'>, typedLength: number): string;
  requestSent(requestId: string): string;
  requestRefused(reason: RequestRefusal['reason']): string;
  agentNotRunning: string;
  rateLimited(seconds: number): string;
  forbidden: string;
  requestState: Record<'pending' | 'granted' | 'expired', string>;
  /** Why, when the rule that blocked has no description of the firm's own. */
  defaultBlockReason(type: BlockNotice['type'], monitorOnly: boolean): string;
}

const en: EmployeeText = {
  protection: { protected: 'Protected', 'monitor-only': 'Monitor only (nothing is blocked)', 'no-policy': 'No policy yet' },
  consoleLink: { connected: 'Console connected', unreachable: 'Console unreachable (the last policy stays in force)', 'not-enrolled': 'Not enrolled with a console' },
  control: { apps: 'Applications', usb: 'USB storage', screen: 'Screen capture', content: 'Customer data in files' },
  controlState: { enforced: 'blocked by policy', monitored: 'reported only', off: 'not controlled', degraded: 'partly in force' },
  unlockAccepted: (device, until) => `Accepted: the USB device ${device} may be used until ${until}.`,
  unlockRefused: ({ reason, position }, typedLength) => {
    switch (reason) {
      case 'format':
        return position !== undefined
          ? `Character ${position} is not used in unlock codes (they use 0-9 and A-Z without I, L, O, U): please check it.`
          : `An unlock code has 24 letters and digits; you typed ${typedLength}.`;
      case 'checksum':
        return position !== undefined ? `The code has a typo at character ${position}: please check that character.` : 'The code has a typo: please check each character.';
      case 'not-valid':
        return 'This code is not for this computer, or not for a USB device plugged in now.';
      case 'expired':
        return 'This code has expired: please ask for a new code.';
      case 'reused':
        return 'This code has already been used (each code works once): please ask for a new code.';
      case 'unavailable':
        return 'Unlock codes are not available on this computer yet.';
      case 'no-device':
        return 'No blocked USB device is plugged in: plug in the device the code is for, then enter the code again.';
    }
  },
  requestSent: (id) => `Request ${id} sent: a security officer will review it.`,
  requestRefused: (reason) =>
    reason === 'offline' ? 'The console cannot be reached right now; ask again later, or ask an officer for an unlock code.' : 'This computer is not enrolled with a console yet.',
  agentNotRunning: 'The DLP agent is not running on this computer: please tell your IT helpdesk.',
  rateLimited: (seconds) => `Too many requests: please wait ${seconds} s and try again.`,
  forbidden: 'You can only ask for yourself.',
  requestState: { pending: 'Waiting for an officer', granted: 'Granted', expired: 'Granted, now expired' },
  defaultBlockReason: (type, monitorOnly) => {
    const what =
      type === 'usb'
        ? 'USB storage is restricted on this computer by your organisation’s policy'
        : type === 'screen-capture'
          ? 'Screen capture tools are not allowed on this computer'
          : type === 'content'
            ? 'The file holds customer personal data'
            : 'This program is not allowed on this computer by your organisation’s policy';
    return `${what}${monitorOnly ? ' (monitor mode: reported, not blocked)' : ''}.`;
  },
};

const zhCN: EmployeeText = {
  protection: { protected: '已受保护', 'monitor-only': '仅监控（不拦截）', 'no-policy': '尚无策略' },
  consoleLink: { connected: '已连接管理控制台', unreachable: '无法连接控制台（继续执行最后一份策略）', 'not-enrolled': '尚未注册到控制台' },
  control: { apps: '应用程序', usb: 'USB 存储', screen: '屏幕截取', content: '文件中的客户数据' },
  controlState: { enforced: '按策略拦截', monitored: '仅上报', off: '未管控', degraded: '部分生效' },
  unlockAccepted: (device, until) => `已接受：USB 设备 ${device} 可使用至 ${until}。`,
  unlockRefused: ({ reason, position }, typedLength) => {
    switch (reason) {
      case 'format':
        return position !== undefined
          ? `第 ${position} 个字符不属于解锁码字符（解锁码只用 0-9 和除 I、L、O、U 之外的字母），请检查。`
          : `解锁码共 24 个字母和数字；您输入了 ${typedLength} 个。`;
      case 'checksum':
        return position !== undefined ? `解锁码第 ${position} 个字符有误，请检查该字符。` : '解锁码有输入错误，请逐个字符检查。';
      case 'not-valid':
        return '此解锁码不适用于本机，或不适用于当前插入的 USB 设备。';
      case 'expired':
        return '此解锁码已过期，请重新申请。';
      case 'reused':
        return '此解锁码已使用过（每个解锁码只能使用一次），请重新申请。';
      case 'unavailable':
        return '本机暂不支持解锁码。';
      case 'no-device':
        return '未插入被拦截的 USB 设备：请插入解锁码对应的设备后再输入。';
    }
  },
  requestSent: (id) => `申请 ${id} 已提交，安全专员将进行审核。`,
  requestRefused: (reason) => (reason === 'offline' ? '暂时无法连接控制台，请稍后再试，或向安全专员索取解锁码。' : '本机尚未注册到控制台。'),
  agentNotRunning: '本机的 DLP 代理未在运行，请联系 IT 服务台。',
  rateLimited: (seconds) => `请求过于频繁，请等待 ${seconds} 秒后重试。`,
  forbidden: '只能为您本人提出申请。',
  requestState: { pending: '等待安全专员审核', granted: '已批准', expired: '已批准，现已过期' },
  defaultBlockReason: (type, monitorOnly) => {
    const what =
      type === 'usb' ? '根据单位策略，本机限制使用 USB 存储' : type === 'screen-capture' ? '本机不允许使用截屏工具' : type === 'content' ? '该文件含有客户个人信息' : '根据单位策略，本机不允许运行此程序';
    return `${what}${monitorOnly ? '（监控模式：仅上报，未拦截）' : ''}。`;
  },
};

export function employeeText(locale: EmployeeLocale): EmployeeText {
  return locale === 'zh-CN' ? zhCN : en;
}
