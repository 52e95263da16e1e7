import { useCallback, useEffect, useRef, useState } from 'react';
import type { AgentStatus, BlockNotice } from '@dlp/shared';
import type { TrayApi, TrayResult } from '../../common/tray-api';
import { mergeLoadedBlocks, prependBlock } from './block-list';
import { settle } from './settle';

export interface TrayData {
  /** null while the first answer is on its way. */
  status: TrayResult<AgentStatus> | null;
  blocks: TrayResult<BlockNotice[]> | null;
  reload(): void;
}

/**
 * The agent's status and the employee's recent blocks, kept current by the notices the main
 * process forwards: a status notice replaces the status, a block notice goes on top of the list.
 */
export function useTrayData(api: TrayApi): TrayData {
  const [status, setStatus] = useState<TrayResult<AgentStatus> | null>(null);
  const [blocks, setBlocks] = useState<TrayResult<BlockNotice[]> | null>(null);
  // Blocks that arrived live, so a slower initial load does not drop them.
  const live = useRef<BlockNotice[]>([]);

  const reload = useCallback(() => {
    void settle(() => api.status()).then(setStatus);
    void settle(() => api.recentBlocks()).then((result) =>
      setBlocks(result.ok ? { ok: true, value: mergeLoadedBlocks(live.current, result.value) } : result),
    );
  }, [api]);

  useEffect(() => {
    reload();
    return api.onNotice((notice) => {
      if (notice.kind === 'status') {
        setStatus({ ok: true, value: notice.status });
        return;
      }
      live.current = prependBlock(live.current, notice.block);
      setBlocks((previous) => ({ ok: true, value: prependBlock(previous?.ok ? previous.value : [], notice.block) }));
    });
  }, [api, reload]);

  return { status, blocks, reload };
}
