import { readFile } from 'node:fs/promises';
import { localeFromEnv } from '@dlp/shared';
import { ConfigError, loadAgentConfig } from '../core/config';
import { authorizeUninstall, type UninstallDecision } from '../core/uninstall-authorization';

/**
 * `dlp-agent authorize-uninstall [--config FILE] [--code-file FILE]` (root; the package's removal
 * script runs it): exit 0 when the agent may be removed now, 5 when not (with why, in the admin's
 * language), 2 for bad usage or configuration. The code comes from DLP_UNINSTALL_CODE, a file, or
 * `--code` (the Windows installer's custom action; the Linux scripts use the file: command lines are
 * readable by every user in /proc, though a code is single use and consumed at once).
 */
export const AUTHORIZE_UNINSTALL_COMMAND = 'authorize-uninstall';
export const UNINSTALL_EXIT = { allowed: 0, usage: 2, refused: 5 } as const;

export interface AdminIo {
  out(line: string): void;
  err(line: string): void;
  env: NodeJS.ProcessEnv;
}

const TEXT = {
  en: {
    usage: 'usage: dlp-agent authorize-uninstall [--config /etc/dlp/agent.json] [--code-file FILE]   (the code may also come from DLP_UNINSTALL_CODE)',
    allowed: { 'not-enrolled': 'removal allowed: this agent never enrolled', 'monitor-mode': 'removal allowed: the policy in force is in monitor mode', code: 'removal allowed by uninstall code' },
    refused: 'removal refused',
    howTo: 'ask an administrator for an uninstall code (console: the host page, "Uninstall code"), write it to /etc/dlp/uninstall-code (or set DLP_UNINSTALL_CODE), then remove the package again',
  },
  'zh-CN': {
    usage: '用法：dlp-agent authorize-uninstall [--config /etc/dlp/agent.json] [--code-file 文件]（卸载码也可来自环境变量 DLP_UNINSTALL_CODE）',
    allowed: { 'not-enrolled': '允许卸载：此终端代理从未注册', 'monitor-mode': '允许卸载：当前策略为监控模式', code: '已凭卸载码允许卸载' },
    refused: '拒绝卸载',
    howTo: '请向管理员索取卸载码（控制台：主机页面“卸载码”），写入 /etc/dlp/uninstall-code（或设置 DLP_UNINSTALL_CODE），然后重新卸载软件包',
  },
} as const;

const REFUSAL_ZH: Record<Exclude<UninstallDecision, { allowed: true }>['why'], string> = {
  'code-required': '此终端代理正在执行策略，卸载需要控制台签发的卸载码',
  'no-unlock-key': '此终端代理没有校验卸载码的密钥（在解锁码功能之前注册，或凭据不可读）：请先将其分组改为监控模式',
  format: '卸载码为 24 个字母和数字（0-9、A-Z，不含 I、L、O、U）',
  checksum: '卸载码似乎输错了，请逐个字符核对',
  'not-valid': '该代码不是本机的卸载码',
  expired: '该卸载码已过期',
  reused: '该卸载码已被使用过',
};

function parse(args: readonly string[]): { config: string; codeFile: string | null; code: string | null } | null {
  let config = '/etc/dlp/agent.json';
  let codeFile: string | null = null;
  let code: string | null = null;
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (value === undefined) return null;
    if (flag === '--config') config = value;
    else if (flag === '--code-file') codeFile = value;
    else if (flag === '--code') code = value;
    else return null;
  }
  return { config, codeFile, code };
}

export async function runAuthorizeUninstall(args: readonly string[], io: AdminIo): Promise<number> {
  const text = TEXT[localeFromEnv(io.env)];
  const options = parse(args);
  if (!options) {
    io.err(text.usage);
    return UNINSTALL_EXIT.usage;
  }
  let dataDir: string;
  let code: string | null = options.code ?? io.env.DLP_UNINSTALL_CODE ?? null;
  try {
    dataDir = (await loadAgentConfig(options.config)).dataDir;
    if (options.codeFile !== null) code = (await readFile(options.codeFile, 'utf8')).trim();
  } catch (err) {
    io.err(err instanceof ConfigError ? err.describe() : err instanceof Error ? err.message : String(err));
    return UNINSTALL_EXIT.usage;
  }
  const decision = await authorizeUninstall({ dataDir, code });
  if (decision.allowed) {
    io.out(text.allowed[decision.why]);
    return UNINSTALL_EXIT.allowed;
  }
  const zh = localeFromEnv(io.env) === 'zh-CN';
  io.err(zh ? `${text.refused}：${REFUSAL_ZH[decision.why]}` : `${text.refused}: ${decision.message}`);
  io.err(text.howTo);
  return UNINSTALL_EXIT.refused;
}
