import { degradedControls, enforcesNothing, failsOpen, policyState, type AgentSummary, type PolicyState, type ReportLanguage } from '@dlp/shared';
import { csvLine, UTF8_BOM, type CsvValue } from '../service-kit/csv-format';
import { localTimeFormatter } from '../reports/event-csv';

// The agent list as CSV (GET /api/v1/agents/export.csv): one row per agent, the states in words of
// the reader's language, the same words the table shows (console/web fleet catalogue).

const HEADERS: Record<ReportLanguage, readonly string[]> = {
  en: ['Host', 'User', 'OS', 'OS version', 'Agent version', 'Group', 'Status', 'Last seen (UTC)', 'Last seen', 'Policy', 'Policy serial', 'Expected serial', 'Refusal', 'Controls', 'Tamper (24 h)', 'Bypass (24 h)', 'Clock offset (ms)', 'Enrolled (UTC)', 'Agent id'],
  'zh-CN': ['主机', '用户', '操作系统', '系统版本', '代理版本', '分组', '状态', '最后在线 (UTC)', '最后在线', '策略', '策略序号', '应执行序号', '拒绝原因', '控制', '篡改 (24 小时)', '绕过 (24 小时)', '时钟偏差 (毫秒)', '注册时间 (UTC)', '终端 ID'],
};

type ControlsWord = 'enforcing' | 'failOpen' | 'degraded' | 'nothing' | 'notReported';

interface Words {
  status: Record<'online' | 'offline' | 'revoked', string>;
  policy: Record<PolicyState, string>;
  controls: Record<ControlsWord, string>;
  yes: string;
  no: string;
}

const WORDS: Record<ReportLanguage, Words> = {
  en: {
    status: { online: 'Online', offline: 'Offline', revoked: 'Revoked' },
    policy: { 'in-sync': 'Applied', pending: 'Never answered', rejected: 'Rejected', 'no-policy': 'Group has no policy' },
    controls: { enforcing: 'Enforcing', failOpen: 'Fail-open', degraded: 'Degraded', nothing: 'Enforces nothing', notReported: 'Not reported' },
    yes: 'yes',
    no: 'no',
  },
  'zh-CN': {
    status: { online: '在线', offline: '离线', revoked: '已吊销' },
    policy: { 'in-sync': '已应用', pending: '未应答', rejected: '已拒绝', 'no-policy': '分组未配置策略' },
    controls: { enforcing: '正在执行', failOpen: '失败放行', degraded: '已降级', nothing: '未执行任何控制', notReported: '未上报' },
    yes: '是',
    no: '否',
  },
};

/** The header row; the local-time column names its zone. */
export function agentCsvHeader(language: ReportLanguage, timeZone: string): string[] {
  const header = [...HEADERS[language]];
  header[8] = `${header[8] ?? ''} (${timeZone})`;
  return header;
}

/** The controls badge of the table, as a word: nothing before fail-open before degraded. */
function controlsWord(agent: AgentSummary): ControlsWord {
  const report = agent.capabilities;
  if (!report) return 'notReported';
  if (enforcesNothing(report)) return 'nothing';
  if (failsOpen(report)) return 'failOpen';
  return degradedControls(report) ? 'degraded' : 'enforcing';
}

/** One agent's fields in header order. */
export function agentCsvFields(agent: AgentSummary, language: ReportLanguage, localTime: (iso: string) => string): CsvValue[] {
  const words = WORDS[language];
  const state = policyState(agent);
  const receipt = agent.lastPolicyReceipt;
  const flag = (value: boolean | undefined) => (value === true ? words.yes : words.no);
  return [
    agent.info.hostname,
    agent.info.user,
    agent.info.os,
    agent.info.osVersion,
    agent.info.agentVersion,
    agent.group?.name,
    words.status[agent.revoked ? 'revoked' : agent.online ? 'online' : 'offline'],
    agent.lastSeenAt === null ? null : new Date(agent.lastSeenAt).toISOString(),
    agent.lastSeenAt === null ? null : localTime(agent.lastSeenAt),
    words.policy[state],
    agent.policySerial,
    agent.expectedPolicySerial,
    state === 'rejected' ? (receipt?.error ?? null) : null,
    words.controls[controlsWord(agent)],
    flag(agent.tamperEvents24h),
    flag(agent.bypassEvents24h),
    agent.clock?.offsetMs,
    new Date(agent.enrolledAt).toISOString(),
    agent.id,
  ];
}

/** Rows per chunk handed to the response (one write and one back-pressure check per chunk). */
const CHUNK_ROWS = 500;

/** The CSV in chunks: BOM and header row first, then the agents in the given order. */
export async function* agentCsvChunks(agents: readonly AgentSummary[], language: ReportLanguage, timeZone: string): AsyncGenerator<string> {
  yield `${UTF8_BOM}${csvLine(agentCsvHeader(language, timeZone))}`;
  const localTime = localTimeFormatter(timeZone);
  for (let start = 0; start < agents.length; start += CHUNK_ROWS) {
    let chunk = '';
    for (const agent of agents.slice(start, start + CHUNK_ROWS)) chunk += csvLine(agentCsvFields(agent, language, localTime));
    yield chunk;
  }
}
