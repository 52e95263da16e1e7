import type { EmployeeLocale } from '@dlp/shared';
import type { WatermarkView } from '../common/tray-api';

/**
 * What the main process hands a window's preload before any page script runs, through
 * `webPreferences.additionalArguments` (they end up in the renderer's `process.argv`): which window
 * this is, the locale, and the watermark's first view. The TrayApi's `locale()` and the
 * WatermarkApi's `view()` are synchronous, and this is how they can be without a blocking IPC call.
 * Values are URI-encoded so spaces, quotes, backslashes and CJK survive every OS's command line.
 */
export type TrayWindowKind = 'main' | 'watermark';

export interface WindowArguments {
  /** null when the arguments do not name a tray window: the preload then exposes nothing. */
  window: TrayWindowKind | null;
  locale: EmployeeLocale;
  /** Only for the watermark window. */
  watermark?: WatermarkView;
}

const PREFIX = '--dlp-';

export function encodeWindowArguments(args: WindowArguments & { window: TrayWindowKind }): string[] {
  const encoded = [`${PREFIX}window=${args.window}`, `${PREFIX}locale=${args.locale}`];
  if (args.watermark) encoded.push(`${PREFIX}watermark=${encodeURIComponent(JSON.stringify(args.watermark))}`);
  return encoded;
}

function valueOf(argv: readonly string[], name: string): string | undefined {
  const flag = `${PREFIX}${name}=`;
  // The last occurrence wins: ours are appended after Chromium's own switches.
  const found = [...argv].reverse().find((arg) => arg.startsWith(flag));
  return found?.slice(flag.length);
}

function isWatermarkView(value: unknown): value is WatermarkView {
  if (typeof value !== 'object' || value === null) return false;
  const view = value as Record<string, unknown>;
  return (
    typeof view.user === 'string' &&
    typeof view.host === 'string' &&
    typeof view.text === 'string' &&
    [view.opacity, view.width, view.height, view.scaleFactor].every((n) => typeof n === 'number' && Number.isFinite(n))
  );
}

/** Reads the arguments back in the preload; anything missing or malformed falls back to safe values. */
export function decodeWindowArguments(argv: readonly string[]): WindowArguments {
  const named = valueOf(argv, 'window');
  const window = named === 'main' || named === 'watermark' ? named : null;
  const locale: EmployeeLocale = valueOf(argv, 'locale') === 'zh-CN' ? 'zh-CN' : 'en';
  const raw = valueOf(argv, 'watermark');
  if (raw === undefined) return { window, locale };
  try {
    const parsed: unknown = JSON.parse(decodeURIComponent(raw));
    return isWatermarkView(parsed) ? { window, locale, watermark: parsed } : { window, locale };
  } catch {
    return { window, locale };
  }
}
