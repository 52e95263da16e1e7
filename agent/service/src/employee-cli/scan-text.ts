import type { EmployeeLocale, ScanRefusal } from '@dlp/shared';

/** The words of `dlp-agent scan`, in zh-CN and en. */
export interface ScanText {
  /** Detector ids as people know them. */
  detector(id: string): string;
  criteria(detectors: string, minDistinct: number): string;
  counting(files: number): string;
  scanning(done: number, total: number, bytesDone: string, bytesTotal: string, flagged: number): string;
  scanningPlain(total: number, bytes: string): string;
  bulk: string;
  belowThreshold: string;
  unreadable: string;
  /** `encrypted`, `unparseable`, `limit-exceeded:max-bytes` … in words. */
  unreadableWhy(reason: string): string;
  distinct(count: number): string;
  summary(files: number, bytes: string, flagged: number, below: number, unreadable: number): string;
  skipped(parts: { symlinks: number; denied: number; special: number; excluded: number }): string | null;
  fileLimit(max: number): string;
  refused(refusal: ScanRefusal, path: string): string;
  failed(message: string): string;
  busy: string;
  cancelled: string;
}

const DETECTORS_EN: Record<string, string> = {
  'cn-resident-id': 'resident ID',
  'bank-card': 'bank card',
  'cn-uscc': 'credit code',
  'cn-mobile': 'mobile number',
  email: 'email',
  'cn-passport': 'passport',
};
const DETECTORS_ZH: Record<string, string> = {
  'cn-resident-id': '身份证号',
  'bank-card': '银行卡号',
  'cn-uscc': '统一社会信用代码',
  'cn-mobile': '手机号',
  email: '电子邮箱',
  'cn-passport': '护照号',
};

function unreadableEn(reason: string): string {
  if (reason === 'encrypted') return 'encrypted';
  if (reason === 'unparseable') return 'damaged or not parseable';
  if (reason === 'limit-exceeded:max-bytes') return 'too large: only the first part was read';
  if (reason === 'limit-exceeded:max-time') return 'took too long: only the first part was read';
  return reason.replace(/^limit-exceeded:/, 'stopped at a limit: ');
}

function unreadableZh(reason: string): string {
  if (reason === 'encrypted') return '已加密';
  if (reason === 'unparseable') return '文件损坏或无法解析';
  if (reason === 'limit-exceeded:max-bytes') return '文件过大，只检查了前一部分';
  if (reason === 'limit-exceeded:max-time') return '耗时过长，只检查了前一部分';
  return reason.replace(/^limit-exceeded:/, '达到扫描上限：');
}

const en: ScanText = {
  detector: (id) => DETECTORS_EN[id] ?? id,
  criteria: (detectors, min) => `Looked for: ${detectors}. Customer data: at least ${min} different values of one kind in a file (the policy's threshold).`,
  counting: (files) => `Counting files… ${files}`,
  scanning: (done, total, bytesDone, bytesTotal, flagged) => `Scanned ${done}/${total} files (${bytesDone}/${bytesTotal}), ${flagged} with customer data`,
  scanningPlain: (total, bytes) => `Scanning ${total} files (${bytes})…`,
  bulk: 'customer data',
  belowThreshold: 'some personal data',
  unreadable: 'not read in full',
  unreadableWhy: unreadableEn,
  distinct: (count) => `${count} different`,
  summary: (files, bytes, flagged, below, unreadable) => `Done: ${files} files scanned (${bytes}); ${flagged} with customer data, ${below} with some personal data, ${unreadable} not read in full.`,
  skipped: ({ symlinks, denied, special, excluded }) => {
    const parts = [
      symlinks > 0 ? `${symlinks} symbolic link(s) (never followed)` : '',
      denied > 0 ? `${denied} you may not read` : '',
      special > 0 ? `${special} device(s), pipe(s) or socket(s)` : '',
      excluded > 0 ? `${excluded} excluded folder(s)` : '',
    ].filter(Boolean);
    return parts.length > 0 ? `Skipped: ${parts.join(', ')}.` : null;
  },
  fileLimit: (max) => `Stopped counting at ${max} files: the rest of the folder was not scanned.`,
  refused: (refusal, p) =>
    refusal === 'not-permitted' ? `You may not read ${p}: only what you can open yourself is scanned.`
    : refusal === 'not-found' ? `${p} does not exist.`
    : refusal === 'excluded' ? `${p} is not scanned (the agent's own data, or a system folder such as /proc).`
    : `${p} is neither a file nor a folder.`,
  failed: (message) => `The scan could not finish: ${message}`,
  busy: 'A scan of yours is already running (one at a time), or the agent is busy with others: try again when it has finished.',
  cancelled: 'Scan cancelled.',
};

const zhCN: ScanText = {
  detector: (id) => DETECTORS_ZH[id] ?? id,
  criteria: (detectors, min) => `检查内容：${detectors}。同一文件中同类信息达到 ${min} 个不同值即视为客户数据（策略规定的阈值）。`,
  counting: (files) => `正在统计文件… ${files}`,
  scanning: (done, total, bytesDone, bytesTotal, flagged) => `已扫描 ${done}/${total} 个文件（${bytesDone}/${bytesTotal}），${flagged} 个含客户数据`,
  scanningPlain: (total, bytes) => `正在扫描 ${total} 个文件（${bytes}）…`,
  bulk: '含客户数据',
  belowThreshold: '含少量个人信息',
  unreadable: '未能完整读取',
  unreadableWhy: unreadableZh,
  distinct: (count) => `${count} 个不同值`,
  summary: (files, bytes, flagged, below, unreadable) => `完成：共扫描 ${files} 个文件（${bytes}）；${flagged} 个含客户数据，${below} 个含少量个人信息，${unreadable} 个未能完整读取。`,
  skipped: ({ symlinks, denied, special, excluded }) => {
    const parts = [
      symlinks > 0 ? `${symlinks} 个符号链接（从不跟随）` : '',
      denied > 0 ? `${denied} 个您无权读取的文件或文件夹` : '',
      special > 0 ? `${special} 个设备、管道或套接字` : '',
      excluded > 0 ? `${excluded} 个排除的文件夹` : '',
    ].filter(Boolean);
    return parts.length > 0 ? `已跳过：${parts.join('，')}。` : null;
  },
  fileLimit: (max) => `文件数达到上限 ${max}，文件夹中其余文件未扫描。`,
  refused: (refusal, p) =>
    refusal === 'not-permitted' ? `您无权读取 ${p}：只会扫描您本人能打开的文件。`
    : refusal === 'not-found' ? `${p} 不存在。`
    : refusal === 'excluded' ? `${p} 不在扫描范围内（代理自身的数据，或 /proc 等系统文件夹）。`
    : `${p} 既不是文件也不是文件夹。`,
  failed: (message) => `扫描未能完成：${message}`,
  busy: '您已有一个扫描正在进行（每人同时只能进行一个），或代理正忙于其他扫描，请在其完成后重试。',
  cancelled: '已取消扫描。',
};

export function scanText(locale: EmployeeLocale): ScanText {
  return locale === 'zh-CN' ? zhCN : en;
}

/** `12.3 MB`: sizes in decimal units, as file managers show them. */
export function humanBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit] ?? 'TB'}`;
}
