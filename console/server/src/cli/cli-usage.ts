/**
 * `dlp`'s usage texts in zh-CN and en: the whole list (`dlp --help`), one command's
 * (`dlp <command> --help`) and the unknown-command message. Language as `dlp mask` picks it:
 * LC_ALL, LC_MESSAGES, LANG (zh_* is Chinese), else English.
 */
import { maskLang, type MaskLang } from './mask-text';

export type CliLang = MaskLang;

/** The user's language from the locale variables (no --lang flag outside `dlp mask`). */
export const cliLang = (env: NodeJS.ProcessEnv): CliLang => maskLang(undefined, env);

type Section = 'database' | 'files' | 'rest';

interface CommandHelp {
  section: Section;
  /** Arguments and options after the command's name. */
  synopsis: string;
  text: Record<CliLang, string>;
}

/** Every command `dlp` runs, in the order `dlp --help` lists them. Keys are the first word typed. */
const COMMANDS: Readonly<Record<string, readonly CommandHelp[]>> = {
  'reset-password': [{ section: 'database', synopsis: '<username>', text: {
    en: 'set a new random password (shown once; env DLP_NEW_PASSWORD sets it instead) and end that user\'s sessions',
    'zh-CN': '为该用户设置新的随机密码（只显示一次；可用环境变量 DLP_NEW_PASSWORD 指定），并结束其全部会话',
  } }],
  'create-enroll-secret': [{ section: 'database', synopsis: '<label> [--max-uses N] [--expires 30d|12h|ISO-TIME] [--needs-approval] [--rate N]', text: {
    en: 'create an enroll secret for the default group (shown once); --rate: enrollments per minute',
    'zh-CN': '为默认组创建注册密钥（只显示一次）；--rate：每分钟允许的注册次数',
  } }],
  'enroll-requests': [{ section: 'database', synopsis: '[--all]', text: {
    en: 'agents waiting for approval (id, status, host, user, address, secret)',
    'zh-CN': '等待批准的终端（编号、状态、主机、用户、地址、密钥）',
  } }],
  'approve-enrollment': [{ section: 'database', synopsis: '<id>', text: {
    en: 'let a waiting agent enroll (it does on its next try)',
    'zh-CN': '允许等待中的终端注册（终端下次重试时生效）',
  } }],
  'reject-enrollment': [{ section: 'database', synopsis: '<id>', text: {
    en: 'refuse a waiting agent for good',
    'zh-CN': '永久拒绝等待中的终端',
  } }],
  'audit-export': [{ section: 'database', synopsis: '[--out FILE]', text: {
    en: 'the audit log as CSV (UTF-8 with BOM), to FILE or stdout',
    'zh-CN': '将审计日志导出为 CSV（带 BOM 的 UTF-8），写入 FILE 或标准输出',
  } }],
  'audit-verify': [{ section: 'database', synopsis: '', text: {
    en: 'check the audit log\'s hash chain: exit 0 intact, 1 broken (the first broken row is printed)',
    'zh-CN': '校验审计日志的哈希链：完整时退出码 0，损坏时退出码 1（并打印第一条损坏的记录）',
  } }],
  mask: [{ section: 'files', synopsis: 'IN --out OUT [options]', text: {
    en: 'mask personal data in a CSV/TSV, xlsx, JSON lines or SQL dump for outside vendors and re-scan the output (`dlp mask --help` lists the options; docs/MASKING.md)',
    'zh-CN': '对 CSV/TSV、xlsx、JSON lines 或 SQL 导出文件中的个人信息脱敏（供外部厂商使用）并复查输出（选项见 `dlp mask --help`；docs/MASKING.md）',
  } }],
  'enroll-secret': [{ section: 'rest', synopsis: 'create --group G [--label L]', text: {
    en: 'create an enroll secret whose agents join group G (name or id); the secret is printed once',
    'zh-CN': '创建注册密钥，用它注册的终端加入组 G（组名或编号）；密钥只显示一次',
  } }],
  policy: [
    { section: 'rest', synopsis: 'apply FILE [--publish]', text: {
      en: 'validate a policy (YAML or JSON, the dlp.policy/v1 schema) and save it as a draft of the policy with the same name (a new name creates the policy, assigned to no group); --publish signs it as the next version',
      'zh-CN': '校验策略文件（YAML 或 JSON，dlp.policy/v1 格式），保存为同名策略的草稿（新名称则新建策略，不分配给任何组）；--publish 签名发布为下一版本',
    } },
    { section: 'rest', synopsis: 'export NAME [--format yaml|json]', text: {
      en: 'print the current version of a policy',
      'zh-CN': '输出策略的当前版本',
    } },
  ],
};

const HEADINGS: Record<Section, Record<CliLang, string>> = {
  database: {
    en: 'Commands on the console\'s database (running or not):',
    'zh-CN': '直接操作控制台数据库的命令（控制台运行与否均可）：',
  },
  files: { en: 'Files (no console database needed):', 'zh-CN': '文件处理（无需控制台数据库）：' },
  rest: {
    en: 'Commands that talk to a running console\'s REST API (policy-as-code):',
    'zh-CN': '通过运行中控制台的 REST API 执行的命令（策略即代码）：',
  },
};

const OPTIONS: Record<Section, Record<CliLang, string>> = {
  database: {
    en: `Database: SQLite in --data-dir DIR (env DLP_DATA_DIR, default ./data/console), or PostgreSQL
with --database-url postgres://… (env DLP_DATABASE_URL) and --database-schema S (env
DLP_DATABASE_SCHEMA), the console's own settings (the installed dlp reads /etc/dlp/console.env).`,
    'zh-CN': `数据库：SQLite 位于 --data-dir 目录（环境变量 DLP_DATA_DIR，默认 ./data/console）；或 PostgreSQL：
--database-url postgres://…（环境变量 DLP_DATABASE_URL）与 --database-schema S（环境变量
DLP_DATABASE_SCHEMA），与控制台自身的设置相同（安装版 dlp 读取 /etc/dlp/console.env）。`,
  },
  files: { en: '', 'zh-CN': '' },
  rest: {
    en: `Connection: --url URL (env DLP_CONSOLE_URL, default http://127.0.0.1:8080), env DLP_API_TOKEN (an API
token with the admin role), --ca FILE (env DLP_CONSOLE_CA: a PEM to trust, e.g. DATA_DIR/tls/console-cert.pem)`,
    'zh-CN': `连接：--url URL（环境变量 DLP_CONSOLE_URL，默认 http://127.0.0.1:8080），环境变量 DLP_API_TOKEN（管理员角色的
API 令牌），--ca 文件（环境变量 DLP_CONSOLE_CA：要信任的 PEM 证书，例如 DATA_DIR/tls/console-cert.pem）`,
  },
};

const EXIT_CODES: Record<CliLang, string> = {
  en: 'Exit codes: 0 done; 1 failed; 2 bad usage (unknown command, wrong arguments).',
  'zh-CN': '退出码：0 成功；1 失败；2 用法错误（未知命令、参数有误）。',
};

function commandLines(name: string, help: CommandHelp, lang: CliLang): string[] {
  return [`  dlp ${name}${help.synopsis === '' ? '' : ` ${help.synopsis}`}`, `      ${help.text[lang]}`];
}

function sectionText(section: Section, lang: CliLang): string {
  const lines = [HEADINGS[section][lang]];
  for (const [name, helps] of Object.entries(COMMANDS)) {
    for (const help of helps) if (help.section === section) lines.push(...commandLines(name, help, lang));
  }
  if (OPTIONS[section][lang] !== '') lines.push(OPTIONS[section][lang]);
  return lines.join('\n');
}

/** `dlp --help`: every command, grouped by what it works on. */
export function cliUsage(lang: CliLang): string {
  const head = lang === 'zh-CN'
    ? '用法：dlp <命令> [参数]    （在源码目录中：node dist/console/dlp.js <命令>）\n`dlp <命令> --help` 显示单个命令的说明。'
    : 'Usage: dlp <command> [arguments]    (in a source checkout: node dist/console/dlp.js <command>)\n`dlp <command> --help` explains one command.';
  return [head, sectionText('database', lang), sectionText('files', lang), sectionText('rest', lang), EXIT_CODES[lang]].join('\n\n');
}

/** The REST commands' usage (their wrong command lines print it). */
export const restUsage = (lang: CliLang): string => sectionText('rest', lang);

/** True when `name` is a command `dlp` knows. */
export const isKnownCommand = (name: string): boolean => Object.hasOwn(COMMANDS, name);

/** `dlp <command> --help`; undefined for an unknown command. */
export function commandUsage(name: string, lang: CliLang): string | undefined {
  const helps = isKnownCommand(name) ? COMMANDS[name] : undefined;
  if (helps === undefined || helps[0] === undefined) return undefined;
  const section = helps[0].section;
  const lines = [lang === 'zh-CN' ? '用法：' : 'Usage:'];
  for (const help of helps) lines.push(...commandLines(name, help, lang));
  if (OPTIONS[section][lang] !== '') lines.push(OPTIONS[section][lang]);
  lines.push(EXIT_CODES[lang]);
  return lines.join('\n');
}

/** Edit distance, for "did you mean" on a mistyped command (names are short: the O(n·m) table is fine). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The message for a command `dlp` does not know: its name, the closest known one, where the list is. */
export function unknownCommandMessage(name: string, lang: CliLang): string {
  const shown = JSON.stringify(name.slice(0, 60));
  const closest = Object.keys(COMMANDS)
    .map((known) => ({ known, d: distance(name, known) }))
    .filter(({ d }) => d <= 2)
    .sort((x, y) => x.d - y.d)[0]?.known;
  const names = Object.keys(COMMANDS).join(', ');
  if (lang === 'zh-CN') {
    return `dlp：未知命令 ${shown}${closest ? `（是否要输入 ${closest}？）` : ''}\n可用命令：${names}\n运行 dlp --help 查看说明。`;
  }
  return `dlp: unknown command ${shown}${closest ? ` (did you mean ${closest}?)` : ''}\nCommands: ${names}\nRun dlp --help for what each does.`;
}
