/** Every sentence `dlp mask` shows a person, in zh-CN and en. Values never appear, only counts and redacted samples. */
import type { MaskInputError, MaskKind, MaskReport, PassName } from '@dlp/shared';

export type MaskLang = 'zh-CN' | 'en';

/** --lang, else LC_ALL, LC_MESSAGES, LANG (zh_* is Chinese), else English. */
export function maskLang(chosen: string | undefined, env: NodeJS.ProcessEnv): MaskLang {
  if (chosen === 'zh-CN' || chosen === 'en') return chosen;
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^zh/i.test(locale) ? 'zh-CN' : 'en';
}

const PASSES: Record<PassName, Record<MaskLang, string>> = {
  survey: { 'zh-CN': '1/3 识别', en: '1/3 survey' },
  mask: { 'zh-CN': '2/3 脱敏', en: '2/3 mask' },
  verify: { 'zh-CN': '3/3 复查', en: '3/3 verify' },
  confirm: { 'zh-CN': '3/3 核实', en: '3/3 confirm' },
};

export const passLabel = (pass: PassName, lang: MaskLang): string => PASSES[pass][lang];

const KINDS: Record<MaskKind, Record<MaskLang, string>> = {
  'cn-resident-id': { 'zh-CN': '身份证号', en: 'resident IDs' },
  'bank-card': { 'zh-CN': '银行卡号', en: 'bank cards' },
  'cn-uscc': { 'zh-CN': '统一社会信用代码', en: 'credit codes' },
  'cn-mobile': { 'zh-CN': '手机号', en: 'mobiles' },
  'cn-passport': { 'zh-CN': '护照号', en: 'passports' },
  email: { 'zh-CN': '电子邮箱', en: 'emails' },
  'person-name': { 'zh-CN': '姓名', en: 'names' },
};

export const kindLabel = (kind: MaskKind, lang: MaskLang): string => KINDS[kind][lang];

const STRATEGIES: Record<string, Record<MaskLang, string>> = {
  keep: { 'zh-CN': '保留格式', en: 'format-keeping' },
  pseudonym: { 'zh-CN': '密钥假名', en: 'keyed pseudonym' },
};

/** The human summary on stderr after a run. */
export function summaryLines(report: MaskReport, lang: MaskLang): string[] {
  const zh = lang === 'zh-CN';
  const mb = (n: number): string => (n / 1e6).toFixed(1);
  const lines: string[] = [];
  const s = report.structure;
  const shape = report.input.format === 'sql'
    ? (zh ? `${s.rows} 行数据，${s.statements ?? 0} 条语句（INSERT ${s.insertStatements ?? 0} 条）` : `${s.rows} rows, ${s.statements ?? 0} statements (${s.insertStatements ?? 0} INSERT)`)
    : report.input.format === 'xlsx'
      ? (zh ? `${s.sheets ?? 0} 个工作表，${s.rows} 行` : `${s.sheets ?? 0} sheets, ${s.rows} rows`)
      : (zh ? `${s.rows} 行` : `${s.rows} rows`);
  lines.push(zh
    ? `输入 ${report.input.path}（${report.input.format}${report.input.encoding ? `，${report.input.encoding}` : ''}，${mb(report.input.bytes)} MB）：${shape}`
    : `Input ${report.input.path} (${report.input.format}${report.input.encoding ? `, ${report.input.encoding}` : ''}, ${mb(report.input.bytes)} MB): ${shape}`);
  const kinds = Object.entries(report.totals.byKind).filter(([, n]) => (n ?? 0) > 0) as [MaskKind, number][];
  if (kinds.length === 0) lines.push(zh ? '未发现需脱敏的个人信息。' : 'No personal data found to mask.');
  for (const [kind, n] of kinds) {
    const strategy = STRATEGIES[report.settings.strategies[kind]]?.[lang] ?? '';
    lines.push(zh ? `  ${kindLabel(kind, lang)}：已脱敏 ${n} 个（${strategy}）` : `  ${kindLabel(kind, lang)}: ${n} masked (${strategy})`);
  }
  for (const column of report.columns.filter((c) => c.kind).slice(0, 20)) {
    const where = `${column.table ? `${column.table}.` : ''}${column.column}`;
    const kind = kindLabel(column.kind as MaskKind, lang);
    lines.push(zh ? `  列 ${where} → ${kind}（${column.reason === 'header' ? '列名' : column.reason === 'option' ? '参数指定' : '取值'}），${column.masked} 个值` : `  column ${where} → ${kind} (by ${column.reason}), ${column.masked} values`);
  }
  if (report.totals.redrawn > 0) lines.push(zh ? `  ${report.totals.redrawn} 个脱敏值与输入中的原值相同（或可能相同），已重新生成` : `  ${report.totals.redrawn} masked values equalled (or may have equalled) a raw value of the input and were drawn again`);
  const v = report.verification;
  if (v.ok) {
    lines.push(zh ? `复查：输出中未发现任何原始值（检出 ${Object.values(v.foundInOutput).reduce((a, b) => a + (b ?? 0), 0)} 个脱敏后的值，均非原值）。` : `Verified: no raw value remains in the output (${Object.values(v.foundInOutput).reduce((a, b) => a + (b ?? 0), 0)} masked values found, none of them a raw value).`);
    lines.push(zh ? `输出 ${report.output.path}（${mb(report.output.bytes)} MB），用时 ${(report.elapsedMs / 1000).toFixed(1)} 秒。` : `Output ${report.output.path} (${mb(report.output.bytes)} MB) in ${(report.elapsedMs / 1000).toFixed(1)} s.`);
  } else {
    lines.push(zh ? `复查失败：输出中仍有 ${v.rawValuesFound} 个原始值${v.overflow ? '（疑似过多，未全部核对）' : ''}，未生成输出文件。` : `Verification FAILED: ${v.rawValuesFound} raw values remain in the output${v.overflow ? ' (too many suspects to check them all)' : ''}; no output file was written.`);
    for (const f of v.findings.slice(0, 10)) lines.push(zh ? `  ${f.sample}（${f.detector}，${f.table ? `${f.table} ` : ''}第 ${f.line} 行）` : `  ${f.sample} (${f.detector}, ${f.table ? `${f.table} ` : ''}line ${f.line})`);
  }
  return lines;
}

/** An input error in the user's language. */
export function describeInputError(err: MaskInputError, lang: MaskLang): string {
  if (lang === 'en') return `dlp mask: ${err.message}`;
  const { line, column, offset, detail } = err.details;
  switch (err.code) {
    case 'csv-unterminated-quote':
      return `dlp mask：CSV 格式错误：第 ${line} 行开始的带引号字段没有结束引号`;
    case 'csv-text-after-quote':
      return `dlp mask：CSV 格式错误：第 ${line} 行第 ${column} 个字段的结束引号后还有字符`;
    case 'value-too-long':
      return `dlp mask：第 ${line ?? '?'} 行有超长的字段或字符串（可能是引号未闭合）`;
    case 'json-invalid':
      return `dlp mask：第 ${line} 行不是有效的 JSON：${detail ?? ''}`;
    case 'sql-unterminated':
      return `dlp mask：SQL 错误：第 ${line} 行开始的字符串、标识符或注释没有结束`;
    case 'invalid-encoding':
      return `dlp mask：第 ${offset} 字节处不是有效的 ${detail ?? ''} 编码（mysqldump 含二进制列时请加 --hex-blob；GBK 文件可用 --encoding gb18030）`;
    case 'xlsx-unreadable':
      return `dlp mask：xlsx 文件已损坏或不完整：${detail ?? ''}`;
    case 'xlsx-encrypted':
      return 'dlp mask：xlsx 文件已加密，请先在 Excel 中去除密码';
    case 'unsupported-format':
      return `dlp mask：不支持的格式：${detail ?? ''}`;
    default:
      return `dlp mask：${err.message}`;
  }
}

export const MASK_USAGE: Record<MaskLang, string> = {
  en: `Usage: dlp mask IN --out OUT [options]
Masks personal data in a CSV/TSV, xlsx, JSON lines or SQL INSERT/COPY dump for outside vendors,
then re-scans the output and refuses it if any raw value remains (docs/MASKING.md).
  --format csv|tsv|jsonl|sql|xlsx   default: from the name, then the content
  --encoding utf-8|gb18030|utf-16le|utf-16be   default: detected (BOM, UTF-8, else GB18030)
  --strategy keep|pseudonym          for every kind (default keep)
  --strategy KIND=keep|pseudonym     for one kind (repeatable)
  --keep KIND=FIRST:LAST             characters kept at each end (repeatable)
  --valid-check-digits               format-keeping values with valid check digits (GB 11643, Luhn, GB 32100)
  --mask-char C                      write C instead of drawn characters (format-keeping only)
  --key-file PATH                    the firm's pseudonym key (or env DLP_MASK_KEY_FILE); never on the command line
  --kinds LIST                       kinds to mask (default all): ${['cn-resident-id', 'bank-card', 'cn-uscc', 'cn-mobile', 'cn-passport', 'email', 'person-name'].join(',')}
  --column NAME=KIND|none            force a column (header, #N, or TABLE.NAME) (repeatable)
  --header auto|yes|no               is the first row a header (CSV/TSV/xlsx; default auto)
  --sample-rows N                    rows sampled per column to classify it (default 1000)
  --sql-dialect mysql|postgres       default: detected
  --report PATH                      JSON report (counts, redacted samples; never values or the key)
  --lang zh-CN|en                    default: from LANG
  --force                            replace an existing OUT (never IN)
Exit codes: 0 done and verified; 2 bad usage; 3 unreadable input; 4 raw values remained (OUT not written); 1 other errors.`,
  'zh-CN': `用法：dlp mask 输入文件 --out 输出文件 [选项]
对 CSV/TSV、xlsx、JSON lines 或 SQL（INSERT/COPY）导出文件中的个人信息脱敏，供外部厂商使用；
完成后复查输出，只要仍有任何原始值就拒绝生成输出（见 docs/MASKING.md）。
  --format csv|tsv|jsonl|sql|xlsx   默认按文件名、再按内容判断
  --encoding utf-8|gb18030|utf-16le|utf-16be   默认自动识别（BOM、UTF-8，否则 GB18030）
  --strategy keep|pseudonym          所有类型的脱敏方式（默认 keep 保留格式）
  --strategy 类型=keep|pseudonym     单独指定某一类型（可重复）
  --keep 类型=前:后                   两端保留的字符数（可重复）
  --valid-check-digits               保留格式时生成校验位正确的值（GB 11643、Luhn、GB 32100）
  --mask-char 字符                    用该字符代替随机字符（仅保留格式方式）
  --key-file 路径                     企业保管的假名密钥（或环境变量 DLP_MASK_KEY_FILE）；不得写在命令行上
  --kinds 列表                        要脱敏的类型（默认全部）：${['cn-resident-id', 'bank-card', 'cn-uscc', 'cn-mobile', 'cn-passport', 'email', 'person-name'].join(',')}
  --column 列名=类型|none             强制指定某列（列名、#序号或 表名.列名）（可重复）
  --header auto|yes|no               首行是否为表头（CSV/TSV/xlsx，默认 auto）
  --sample-rows N                    每列抽样判断的行数（默认 1000）
  --sql-dialect mysql|postgres       默认自动识别
  --report 路径                       JSON 报告（只有计数和打码样例，不含原值和密钥）
  --lang zh-CN|en                    默认按 LANG
  --force                            覆盖已存在的输出文件（绝不覆盖输入文件）
退出码：0 完成且复查通过；2 用法错误；3 输入无法读取；4 输出仍含原始值（未生成输出）；1 其他错误。`,
};
