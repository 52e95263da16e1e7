import { eventAction, eventType } from '@dlp/shared';
import { localTimeFormatter } from './event-csv';
import type { ReportSummary } from './report-summary';
import { REPORT_TEXTS } from './report-texts';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

const ACTION_COLOURS: Record<string, string> = { blocked: '#d92d20', 'would-block': '#f2a818', allowed: '#20a46b', info: '#98a2b3' };

/** Per-day bars stacked by action, as inline SVG (mail clients show it without loading anything). */
export function perDaySvg(summary: ReportSummary): string {
  const width = 640;
  const height = 200;
  const left = 40;
  const bottom = 24;
  const plot = height - bottom - 10;
  const max = Math.max(1, ...summary.perDay.map((d) => eventAction.options.reduce((s, a) => s + d.counts[a], 0)));
  const slot = (width - left - 10) / Math.max(1, summary.perDay.length);
  const bar = Math.max(2, slot * 0.7);
  const parts: string[] = [];
  parts.push(`<line x1="${left}" x2="${width - 10}" y1="${10 + plot}" y2="${10 + plot}" stroke="#98a2b3"/>`);
  parts.push(`<text x="${left - 4}" y="16" font-size="11" text-anchor="end">${escapeHtml(max)}</text>`);
  summary.perDay.forEach((day, index) => {
    const x = left + index * slot + (slot - bar) / 2;
    let top = 10 + plot;
    for (const action of eventAction.options) {
      const h = (day.counts[action] / max) * plot;
      if (h <= 0) continue;
      top -= h;
      parts.push(`<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${bar.toFixed(1)}" height="${h.toFixed(1)}" fill="${ACTION_COLOURS[action] ?? '#666'}"><title>${escapeHtml(`${day.day} ${REPORT_TEXTS[summary.language].actions[action]}: ${day.counts[action]}`)}</title></rect>`);
    }
    parts.push(`<text x="${(x + bar / 2).toFixed(1)}" y="${height - 8}" font-size="10" text-anchor="middle">${escapeHtml(day.day.slice(5))}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(REPORT_TEXTS[summary.language].perDay)}">${parts.join('')}</svg>`;
}

function table(headers: string[], rows: Array<Array<string | number>>): string {
  const head = headers.map((h) => `<th style="text-align:left;padding:4px 8px;border-bottom:1px solid #ccc">${escapeHtml(h)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td style="padding:4px 8px">${escapeHtml(cell)}</td>`).join('')}</tr>`).join('');
  return `<table style="border-collapse:collapse">${head ? `<thead><tr>${head}</tr></thead>` : ''}<tbody>${body}</tbody></table>`;
}

/** The whole report as one self-contained HTML document in the report's language; every value escaped. */
export function renderReportHtml(summary: ReportSummary): string {
  const t = REPORT_TEXTS[summary.language];
  const local = localTimeFormatter(summary.timeZone);
  const period = `${local(new Date(summary.fromMs).toISOString())} – ${local(new Date(summary.toMs).toISOString())}`;
  const top = (items: ReportSummary['topHosts']): string => (items.length === 0 ? `<p>${escapeHtml(t.none)}</p>` : table([t.key, t.count], items.map((i) => [i.key, i.count])));
  const change = summary.week.changePct === null ? '—' : `${summary.week.changePct > 0 ? '+' : ''}${summary.week.changePct}%`;
  return [
    '<!doctype html>',
    `<html lang="${escapeHtml(summary.language)}"><head><meta charset="utf-8"><title>${escapeHtml(`${t.heading}: ${summary.title}`)}</title></head>`,
    '<body style="font-family:sans-serif;color:#101828">',
    `<h1>${escapeHtml(t.heading)}: ${escapeHtml(summary.title)}</h1>`,
    `<p>${escapeHtml(t.period)}: ${escapeHtml(period)} (${escapeHtml(summary.timeZone)})</p>`,
    `<p><strong>${escapeHtml(t.total)}: ${escapeHtml(summary.total)}</strong></p>`,
    `<h2>${escapeHtml(t.perDay)}</h2>`,
    perDaySvg(summary),
    `<h2>${escapeHtml(t.byAction)}</h2>`,
    table([t.action, t.count], eventAction.options.map((a) => [t.actions[a], summary.byAction[a]])),
    `<h2>${escapeHtml(t.byType)}</h2>`,
    table([t.key, t.count], eventType.options.filter((ty) => summary.byType[ty] > 0).map((ty) => [t.types[ty], summary.byType[ty]])),
    `<h2>${escapeHtml(t.topHosts)}</h2>`,
    top(summary.topHosts),
    `<h2>${escapeHtml(t.topUsers)}</h2>`,
    top(summary.topUsers),
    `<h2>${escapeHtml(t.week)}</h2>`,
    table([t.thisWeek, t.lastWeek, t.change], [[summary.week.current, summary.week.previous, change]]),
    `<p>${escapeHtml(t.attachment)}</p>`,
    '</body></html>',
  ].join('\n');
}

/** The plain-text part of the mail: the headline figures for clients that do not show HTML. */
export function renderReportText(summary: ReportSummary): string {
  const t = REPORT_TEXTS[summary.language];
  const local = localTimeFormatter(summary.timeZone);
  const lines = [
    `${t.heading}: ${summary.title}`,
    `${t.period}: ${local(new Date(summary.fromMs).toISOString())} – ${local(new Date(summary.toMs).toISOString())}`,
    `${t.total}: ${summary.total}`,
    ...eventAction.options.map((a) => `  ${t.actions[a]}: ${summary.byAction[a]}`),
    `${t.topHosts}: ${summary.topHosts.map((h) => `${h.key} (${h.count})`).join(', ') || t.none}`,
    `${t.topUsers}: ${summary.topUsers.map((u) => `${u.key} (${u.count})`).join(', ') || t.none}`,
    `${t.week}: ${summary.week.current} / ${summary.week.previous}`,
    t.attachment,
  ];
  return `${lines.join('\n')}\n`;
}
