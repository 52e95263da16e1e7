import { employeeText, type AgentStatus, type EmployeeLocale } from '@dlp/shared';
import type { AgentLink } from './agent-session';
import { trayText } from './tray-text';

/** The icon's colour says the one thing that matters at a glance. */
export type IconTone = 'protected' | 'monitor' | 'no-policy' | 'warning';

export type TrayMenuItem = { kind: 'line'; label: string } | { kind: 'open'; label: string } | { kind: 'separator' };

export interface TrayPresentation {
  tone: IconTone;
  tooltip: string;
  items: TrayMenuItem[];
}

/**
 * What the tray icon shows for the agent's state: tooltip, colour, and the menu (a status line,
 * Open, and an About line). There is no Quit: the tray is only a window onto the agent, which keeps
 * enforcing whether or not the tray runs, and the menu says so.
 */
export function trayPresentation(link: AgentLink, status: AgentStatus | null, locale: EmployeeLocale, trayVersion: string): TrayPresentation {
  const text = trayText(locale);
  const words = employeeText(locale);
  const lines: string[] = [];
  let tone: IconTone;
  if (link === 'agent-not-running' || link === 'unreachable') {
    tone = 'warning';
    lines.push(text.agentNotRunning);
  } else if (!status) {
    tone = 'warning';
    lines.push(text.connecting);
  } else {
    tone = status.protection === 'protected' ? 'protected' : status.protection === 'monitor-only' ? 'monitor' : 'no-policy';
    lines.push(status.policy ? `${words.protection[status.protection]} · ${status.policy.name}` : words.protection[status.protection]);
    lines.push(words.consoleLink[status.console]);
  }
  const items: TrayMenuItem[] = [
    ...lines.map((label): TrayMenuItem => ({ kind: 'line', label })),
    { kind: 'separator' },
    { kind: 'open', label: text.menuOpen },
    { kind: 'separator' },
    { kind: 'line', label: text.menuProtectionNote },
    { kind: 'line', label: text.menuAbout(trayVersion, status?.agentVersion ?? null) },
  ];
  return { tone, tooltip: `${text.appName}: ${lines[0] ?? ''}`, items };
}

const TONE_COLOURS: Record<IconTone, [number, number, number]> = {
  protected: [0x2e, 0x7d, 0x32],
  monitor: [0x1e, 0x6f, 0xd9],
  'no-policy': [0x75, 0x75, 0x75],
  warning: [0xe0, 0x8a, 0x00],
};

/**
 * The icon as raw pixels (a filled, anti-aliased disc in the tone's colour) for
 * `nativeImage.createFromBitmap`, which takes Skia's native order: BGRA. Drawn in code so the
 * package carries no image files for the four states.
 */
export function trayIconBitmap(tone: IconTone, size = 32): { buffer: Buffer; width: number; height: number } {
  const [r, g, b] = TONE_COLOURS[tone];
  const buffer = Buffer.alloc(size * size * 4);
  const centre = (size - 1) / 2;
  const radius = size / 2 - 1;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const distance = Math.hypot(x - centre, y - centre);
      const coverage = Math.max(0, Math.min(1, radius - distance + 0.5));
      const offset = (y * size + x) * 4;
      // Premultiplied alpha, as Skia's N32 bitmaps are.
      buffer[offset] = Math.round(b * coverage);
      buffer[offset + 1] = Math.round(g * coverage);
      buffer[offset + 2] = Math.round(r * coverage);
      buffer[offset + 3] = Math.round(255 * coverage);
    }
  }
  return { buffer, width: size, height: size };
}
