import type { EmployeeLocale, EventType } from '@dlp/shared';

/**
 * The main process's own words (notifications, tray menu). What the agent's answers mean is in
 * `employeeText` of @dlp/shared, shared with the `dlp-agent` command; this file holds only what the
 * tray alone says.
 */

/** What a block stopped, as the notification names it. */
export type BlockKind = 'app' | 'usb' | 'screen-capture' | 'content' | 'other';

export function blockKind(type: EventType): BlockKind {
  return type === 'app' || type === 'usb' || type === 'screen-capture' || type === 'content' ? type : 'other';
}

export interface TrayText {
  blockedTitle: Record<BlockKind, string>;
  /** Monitor mode: nothing was stopped, but the policy would have. */
  wouldBlockTitle: Record<BlockKind, string>;
  /** The notice at the end of a rate window: `count` more of this kind. */
  moreBlocked(kind: BlockKind, count: number, monitorOnly: boolean): string;
  moreBlockedBody: string;
  appName: string;
  menuOpen: string;
  menuAbout(trayVersion: string, agentVersion: string | null): string;
  /** Closing the window or the tray does not switch protection off: the agent enforces it. */
  menuProtectionNote: string;
  agentNotRunning: string;
  connecting: string;
}

const en: TrayText = {
  blockedTitle: { app: 'A program was blocked', usb: 'A USB device was blocked', 'screen-capture': 'Screen capture was blocked', content: 'A file with protected data was blocked', other: 'An action was blocked' },
  wouldBlockTitle: {
    app: 'A program would be blocked (monitor mode)',
    usb: 'A USB device would be blocked (monitor mode)',
    'screen-capture': 'Screen capture would be blocked (monitor mode)',
    content: 'A file with protected data would be blocked (monitor mode)',
    other: 'An action would be blocked (monitor mode)',
  },
  moreBlocked: (kind, count, monitorOnly) => {
    const noun = { app: ['program', 'programs'], usb: ['USB device', 'USB devices'], 'screen-capture': ['screen capture', 'screen captures'], content: ['file', 'files'], other: ['action', 'actions'] }[kind];
    const verb = monitorOnly ? 'would have been blocked' : count === 1 ? 'was blocked' : 'were blocked';
    return `${count} more ${count === 1 ? noun[0] : noun[1]} ${verb}`;
  },
  moreBlockedBody: 'Click to see the list and why.',
  appName: 'Data protection',
  menuOpen: 'Open…',
  menuAbout: (tray, agent) => `About: tray ${tray}${agent ? `, agent ${agent}` : ''}`,
  menuProtectionNote: 'Closing this window does not switch protection off.',
  agentNotRunning: 'The DLP agent is not running',
  connecting: 'Connecting to the DLP agent…',
};

const zhCN: TrayText = {
  blockedTitle: { app: '已拦截一个程序', usb: '已拦截一个 USB 设备', 'screen-capture': '已拦截屏幕截取', content: '已拦截一个含受保护数据的文件', other: '已拦截一项操作' },
  wouldBlockTitle: {
    app: '一个程序将被拦截（监控模式）',
    usb: '一个 USB 设备将被拦截（监控模式）',
    'screen-capture': '屏幕截取将被拦截（监控模式）',
    content: '一个含受保护数据的文件将被拦截（监控模式）',
    other: '一项操作将被拦截（监控模式）',
  },
  moreBlocked: (kind, count, monitorOnly) => {
    const noun = { app: '个程序', usb: '个 USB 设备', 'screen-capture': '次屏幕截取', content: '个文件', other: '项操作' }[kind];
    return `另有 ${count} ${noun}${monitorOnly ? '将被拦截（监控模式）' : '被拦截'}`;
  },
  moreBlockedBody: '点击查看列表及原因。',
  appName: '数据防泄漏保护',
  menuOpen: '打开…',
  menuAbout: (tray, agent) => `关于：托盘 ${tray}${agent ? `，代理 ${agent}` : ''}`,
  menuProtectionNote: '关闭此窗口不会停止保护。',
  agentNotRunning: 'DLP 代理未在运行',
  connecting: '正在连接 DLP 代理…',
};

export function trayText(locale: EmployeeLocale): TrayText {
  return locale === 'zh-CN' ? zhCN : en;
}
