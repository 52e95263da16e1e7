import type { AgentStatus, BlockNotice, EmployeeText, ExceptionRequestState, ExceptionRequestTarget } from '@dlp/shared';
import { localTime, type CliText } from './cli-text';

export interface Words {
  text: EmployeeText;
  cli: CliText;
}

export function renderStatus(status: AgentStatus, { text, cli }: Words): string[] {
  const lines = [
    `${cli.protection}: ${text.protection[status.protection]}`,
    `${cli.console}: ${text.consoleLink[status.console]}${status.lastContactAt ? ` (${cli.lastContact} ${localTime(status.lastContactAt)})` : ''}`,
    `${cli.policy}: ${status.policy ? `${status.policy.name} (#${status.policy.serial}, ${status.policy.mode})` : cli.noPolicy}`,
  ];
  if (status.controls.length > 0) {
    lines.push(`${cli.controls}:`);
    for (const control of status.controls) lines.push(`  ${text.control[control.control]}: ${text.controlState[control.state]}`);
  }
  if (status.notice.message) lines.push(status.notice.message);
  if (status.notice.helpUrl) lines.push(`${cli.help}: ${status.notice.helpUrl}`);
  lines.push(`${cli.you}: ${status.peer.name ?? `uid ${status.peer.uid}`} @ ${status.host}`);
  return lines;
}

export function describeTarget(target: ExceptionRequestTarget): string {
  return target.kind === 'app' ? `${target.exePath} (sha256 ${target.sha256.slice(0, 12)}…)` : `USB ${target.device.vendorId}:${target.device.productId} ${target.device.serial}`;
}

export function renderBlocks(blocks: readonly BlockNotice[], { text, cli }: Words): string[] {
  if (blocks.length === 0) return [cli.noBlocks];
  return blocks.flatMap((b) => [
    `${localTime(b.occurredAt)}  ${b.action === 'would-block' ? cli.wouldBlock : cli.blocked}: ${b.what}${b.user ? ` [${b.user}]` : ''}`,
    `    ${b.reason || text.defaultBlockReason(b.type, b.action === 'would-block')}${b.ruleId ? ` (${b.ruleId})` : ''}`,
  ]);
}

export function renderRequests(requests: readonly ExceptionRequestState[], { text, cli }: Words): string[] {
  if (requests.length === 0) return [cli.noRequests];
  return requests.map((r) => {
    const state = `${text.requestState[r.state]}${r.expiresAt ? ` (${cli.until} ${localTime(r.expiresAt)})` : ''}`;
    return `${localTime(r.requestedAt)}  ${describeTarget(r.target)}  ${cli.requestedFor(r.requestedMinutes)}  → ${state}`;
  });
}
