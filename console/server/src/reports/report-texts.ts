import type { EventAction, EventType, ReportLanguage } from '@dlp/shared';

/** Every text of a rendered report, per report language. */
export interface ReportTexts {
  heading: string;
  period: string;
  total: string;
  byType: string;
  byAction: string;
  perDay: string;
  topHosts: string;
  topUsers: string;
  week: string;
  thisWeek: string;
  lastWeek: string;
  change: string;
  count: string;
  none: string;
  attachment: string;
  day: string;
  section: string;
  key: string;
  action: string;
  types: Record<EventType, string>;
  actions: Record<EventAction, string>;
}

export const REPORT_TEXTS: Record<ReportLanguage, ReportTexts> = {
  en: {
    heading: 'DLP event report',
    period: 'Period',
    total: 'Events in the period',
    byType: 'By type',
    byAction: 'By action',
    perDay: 'Events per day',
    topHosts: 'Top hosts',
    topUsers: 'Top users',
    week: 'This week against last week',
    thisWeek: 'Last 7 days',
    lastWeek: 'The 7 days before',
    change: 'Change',
    count: 'Count',
    none: 'none',
    attachment: 'The counts are attached as CSV.',
    day: 'Day',
    section: 'Section',
    key: 'Key',
    action: 'Action',
    types: { app: 'Application', usb: 'USB device', 'screen-capture': 'Screen capture', content: 'Content (PII)', policy: 'Policy', agent: 'Agent', gap: 'Gap', bypass: 'Bypass caught' },
    actions: { blocked: 'Blocked', 'would-block': 'Would block', allowed: 'Allowed', info: 'Info' },
  },
  'zh-CN': {
    heading: 'DLP 事件报告',
    period: '统计区间',
    total: '区间内事件数',
    byType: '按类型',
    byAction: '按动作',
    perDay: '每日事件数',
    topHosts: '事件最多的主机',
    topUsers: '事件最多的用户',
    week: '本周与上周对比',
    thisWeek: '最近 7 天',
    lastWeek: '之前 7 天',
    change: '变化',
    count: '数量',
    none: '无',
    attachment: '统计数据见 CSV 附件。',
    day: '日期',
    section: '分类',
    key: '项目',
    action: '动作',
    types: { app: '应用程序', usb: 'USB 设备', 'screen-capture': '屏幕截图', content: '内容（个人信息）', policy: '策略', agent: '终端代理', gap: '缺失', bypass: '绕过拦截' },
    actions: { blocked: '已阻止', 'would-block': '将阻止', allowed: '已允许', info: '信息' },
  },
};
