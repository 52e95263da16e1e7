import type { EmployeeLocale } from '@dlp/shared';

/** The command's own words (the agent's answers are rendered through `employeeText`). */
export interface CliText {
  usage: string;
  protection: string;
  console: string;
  lastContact: string;
  policy: string;
  noPolicy: string;
  controls: string;
  you: string;
  help: string;
  noBlocks: string;
  noRequests: string;
  blocked: string;
  wouldBlock: string;
  until: string;
  serial: string;
  requestedFor(minutes: number): string;
}

const USAGE = `usage: dlp-agent status                      what is in force here, and whether the console is reachable
       dlp-agent blocks [--limit N]            your recent blocks (root: everyone's)
       dlp-agent requests                      your exception requests and what became of them
       dlp-agent request-exception (--usb VVVV:PPPP:SERIAL | --app FILE) --minutes N --reason TEXT
       dlp-agent unlock CODE                   redeem an offline unlock code an officer gave you
       dlp-agent scan PATH [--max-files N]     look for customer personal data in a file or folder you may read
options: --json (the agent's answer as JSON, for scripts)   --socket PATH   --user NAME (root only)
exit codes: 0 done, 1 refused, 2 bad usage, 3 agent not running, 4 not allowed, 5 too many requests or busy,
            6 scan found customer data, 130 interrupted (Ctrl-C)`;

const en: CliText = {
  usage: USAGE,
  protection: 'Protection',
  console: 'Console',
  lastContact: 'last contact',
  policy: 'Policy',
  noPolicy: 'none yet',
  controls: 'In force here',
  you: 'You are',
  help: 'Help',
  noBlocks: 'No blocks recorded since the agent started.',
  noRequests: 'No exception requests from this computer.',
  blocked: 'blocked',
  wouldBlock: 'would be blocked (monitor mode)',
  until: 'until',
  serial: 'serial',
  requestedFor: (minutes) => `for ${minutes} min`,
};

const zhCN: CliText = {
  usage: USAGE,
  protection: '保护状态',
  console: '控制台',
  lastContact: '最近联系',
  policy: '策略',
  noPolicy: '尚无',
  controls: '本机生效的管控',
  you: '当前用户',
  help: '帮助',
  noBlocks: '代理启动以来没有拦截记录。',
  noRequests: '本机没有例外申请。',
  blocked: '已拦截',
  wouldBlock: '将被拦截（监控模式）',
  until: '至',
  serial: '序列号',
  requestedFor: (minutes) => `申请 ${minutes} 分钟`,
};

export function cliText(locale: EmployeeLocale): CliText {
  return locale === 'zh-CN' ? zhCN : en;
}

/** `2026-12-06 10:30` in the workstation's time zone. */
export function localTime(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
