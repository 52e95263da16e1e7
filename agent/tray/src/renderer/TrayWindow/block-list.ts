import { IPC_LIMITS, type BlockNotice } from '@dlp/shared';

/** A block that arrived live goes on top; the same event never shows twice. */
export function prependBlock(blocks: readonly BlockNotice[], block: BlockNotice): BlockNotice[] {
  return [block, ...blocks.filter((known) => known.eventId !== block.eventId)].slice(0, IPC_LIMITS.maxRecentBlocks);
}

/** The loaded list, after any blocks that arrived live while it was loading. */
export function mergeLoadedBlocks(live: readonly BlockNotice[], loaded: readonly BlockNotice[]): BlockNotice[] {
  const liveIds = new Set(live.map((block) => block.eventId));
  return [...live, ...loaded.filter((block) => !liveIds.has(block.eventId))].slice(0, IPC_LIMITS.maxRecentBlocks);
}
