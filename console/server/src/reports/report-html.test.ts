import type { ReportSummary } from './report-summary';
import { renderReportCsv } from './report-csv';
import { escapeHtml, renderReportHtml } from './report-html';

function summary(language: ReportSummary['language']): ReportSummary {
  const zero = { blocked: 0, 'would-block': 0, allowed: 0, info: 0 };
  return {
    title: '<script>alert(1)</script> 日报',
    language,
    timeZone: 'Asia/Shanghai',
    fromMs: Date.parse('2026-04-30T16:00:00Z'),
    toMs: Date.parse('2026-05-01T16:00:00Z'),
    total: 7,
    byType: { app: 5, usb: 2, 'screen-capture': 0, content: 0, policy: 0, agent: 0, gap: 0, bypass: 0 },
    byAction: { ...zero, blocked: 6, 'would-block': 1 },
    perDay: [{ day: '2026-05-01', counts: { ...zero, blocked: 6, 'would-block': 1 } }],
    topHosts: [{ key: 'ws-<img src=x onerror=1>', count: 4 }],
    topUsers: [{ key: '=cmd|calc', count: 3 }],
    week: { current: 7, previous: 14, changePct: -50 },
  };
}

describe('report rendering', () => {
  it('escapes every value and draws the per-day chart as inline SVG', () => {
    const html = renderReportHtml(summary('en'));
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; 日报');
    expect(html).toContain('ws-&lt;img src=x onerror=1&gt;');
    expect(html).toMatch(/<svg [^>]*role="img"/);
    expect(html.match(/<rect /g)).toHaveLength(2);
    expect(html).toContain('2026-05-01 00:00:00 GMT+08:00 – 2026-05-02 00:00:00 GMT+08:00');
    expect(html).toContain('-50%');
    expect(escapeHtml(`"'&`)).toBe('&quot;&#39;&amp;');
  });

  it('speaks Chinese when the report language is zh-CN', () => {
    const html = renderReportHtml(summary('zh-CN'));
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('DLP 事件报告');
    expect(html).toContain('事件最多的主机');
    expect(html).toContain('已阻止');
  });

  it('writes summary rows as CSV with BOM and neutralised formulas', () => {
    const csv = renderReportCsv(summary('zh-CN'));
    expect(csv.startsWith('\uFEFF分类,项目,动作,数量\r\n')).toBe(true);
    expect(csv).toContain('每日事件数,2026-05-01,已阻止,6\r\n');
    expect(csv).toContain(`事件最多的用户,'=cmd|calc,,3\r\n`);
  });
});
