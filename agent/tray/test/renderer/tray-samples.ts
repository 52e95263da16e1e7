import { agentStatus, blockNotice, exceptionRequestState, type AgentStatus, type BlockNotice, type EmployeeLocale, type ExceptionRequestState } from '@dlp/shared';
import type { FakeTrayAnswers } from './fake-bridges';

/**
 * What the agent would answer, checked against the IPC schema so the fake never says anything the
 * real agent could not.
 */
export const SHA256 = '3f'.repeat(32);
export const HELP_URL = 'https://help.example.com/dlp';

export const STATUS: AgentStatus = agentStatus.parse({
  protection: 'protected',
  console: 'connected',
  lastContactAt: '2025-03-01T06:05:00.000Z',
  policy: { serial: 7, name: 'Finance workstations', mode: 'enforce' },
  controls: [
    { control: 'apps', state: 'enforced' },
    { control: 'usb', state: 'enforced' },
    { control: 'screen', state: 'monitored' },
    { control: 'content', state: 'off' },
  ],
  watermark: { enabled: true, text: 'Confidential', opacity: 0.12 },
  blockScreenCapture: true,
  notice: { message: 'Company data stays on company devices. Questions: call 8000.', helpUrl: HELP_URL },
  host: 'ws-0042',
  agentVersion: '0.1.0',
  peer: { uid: 1000, name: 'zhangsan', privileged: false },
});

export const APP_BLOCK: BlockNotice = blockNotice.parse({
  eventId: '01956a3c-1f00-7000-8000-000000000001',
  occurredAt: '2025-03-01T05:30:00.000Z',
  type: 'app',
  action: 'blocked',
  what: '/home/zhangsan/Downloads/cloud-sync',
  ruleId: 'no-cloud-sync',
  reason: 'Cloud sync tools are not allowed on finance workstations.',
  policySerial: 7,
  user: 'zhangsan',
  target: { kind: 'app', sha256: SHA256, exePath: '/home/zhangsan/Downloads/cloud-sync' },
});

export const USB_BLOCK: BlockNotice = blockNotice.parse({
  eventId: '01956a3c-1f00-7000-8000-000000000002',
  occurredAt: '2025-03-01T05:00:00.000Z',
  type: 'usb',
  action: 'would-block',
  what: 'SanDisk Ultra (0781:5581)',
  ruleId: 'usb-storage',
  reason: 'USB storage is read-only here.',
  policySerial: 7,
  user: 'zhangsan',
  target: { kind: 'usb-device', device: { vendorId: '0781', productId: '5581', serial: '4C530001230101112233' } },
});

/** A block that arrives live, after the window opened. */
export const LIVE_BLOCK: BlockNotice = blockNotice.parse({
  ...APP_BLOCK,
  eventId: '01956a3c-1f00-7000-8000-000000000003',
  occurredAt: '2025-03-01T06:10:00.000Z',
  what: '/usr/bin/anydesk',
  reason: 'Remote-control tools are blocked.',
  target: { kind: 'app', sha256: 'ab'.repeat(32), exePath: '/usr/bin/anydesk' },
});

export const REQUEST_ID = '01956a3c-2000-7000-8000-0000000000aa';

export const MY_REQUESTS: ExceptionRequestState[] = [
  exceptionRequestState.parse({ requestId: REQUEST_ID, requestedAt: '2025-03-01T05:35:00.000Z', target: APP_BLOCK.target, requestedMinutes: 240, user: 'zhangsan', state: 'granted', expiresAt: '2025-03-01T09:35:00.000Z' }),
  exceptionRequestState.parse({ requestId: '01956a3c-2000-7000-8000-0000000000ab', requestedAt: '2025-02-27T02:00:00.000Z', target: USB_BLOCK.target, requestedMinutes: 1440, user: 'zhangsan', state: 'pending' }),
];

export function answers(locale: EmployeeLocale, overrides: Partial<FakeTrayAnswers> = {}): FakeTrayAnswers {
  return {
    locale,
    status: { ok: true, value: STATUS },
    recentBlocks: { ok: true, value: [APP_BLOCK, USB_BLOCK] },
    myRequests: { ok: true, value: MY_REQUESTS },
    requestException: { ok: true, value: { ok: true, requestId: REQUEST_ID, message: 'sent' } },
    unlock: { ok: true, value: { ok: false, reason: 'checksum', position: 7, message: 'typo at 7' } },
    ...overrides,
  };
}
