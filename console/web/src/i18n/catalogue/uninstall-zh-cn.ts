import type { uninstallEn } from './uninstall-en';

/** 主机页面上的卸载码（简体中文）。 */
export const uninstallZhCn: Record<keyof typeof uninstallEn, string> = {
  'uninstall.open': '卸载码',
  'uninstall.title': '{host} 的卸载码',
  'uninstall.intro': '此终端代理执行策略期间，卸载其软件包（apt-get remove、dnf remove）需要控制台签发的卸载码。卸载码只能在本主机使用一次，卸载会作为事件上报并注明所用卸载码。',
  'uninstall.duration': '有效期',
  'uninstall.duration.60': '1 小时',
  'uninstall.duration.480': '8 小时',
  'uninstall.duration.1440': '1 天',
  'uninstall.duration.10080': '7 天',
  'uninstall.reason': '原因（记录在审计日志中）',
  'uninstall.reasonMissing': '请填写原因：审计日志会记录允许卸载的理由。',
  'uninstall.issue': '签发卸载码',
  'uninstall.codeLabel': '卸载码',
  'uninstall.validUntil': '有效期至 {time}。',
  'uninstall.howTo': '在该终端上以 root 身份运行：',
  'uninstall.orDnf': '或：sudo dnf remove dlp-agent',
};
