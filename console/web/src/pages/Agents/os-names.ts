import type { AgentInfo } from '@dlp/shared';

/** Operating systems by their own (untranslated) product names. */
export const OS_NAMES: Record<AgentInfo['os'], string> = { linux: 'Linux', windows: 'Windows', macos: 'macOS' };
