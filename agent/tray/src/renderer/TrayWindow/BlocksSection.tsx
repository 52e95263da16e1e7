import type { BlockNotice, ExceptionRequestTarget, PolicyNotice } from '@dlp/shared';
import type { TrayApi, TrayResult } from '../../common/tray-api';
import { formatLocalTime } from '../text/format';
import { useTexts } from '../text/texts';
import { FailureLine, Loading } from './FailureLine';
import { PolicyNoticeBox } from './PolicyNoticeBox';

interface BlocksSectionProps {
  blocks: TrayResult<BlockNotice[]> | null;
  /** The policy's words for employees, shown once above the list. */
  notice: PolicyNotice | null;
  api: TrayApi;
  onRetry: () => void;
  onRequest: (target: ExceptionRequestTarget) => void;
}

/** The employee's recent blocks, newest first; live ones arrive on top. */
export function BlocksSection({ blocks, notice, api, onRetry, onRequest }: BlocksSectionProps) {
  const { page } = useTexts();
  if (blocks === null) return <Loading />;
  if (!blocks.ok) return <FailureLine failure={blocks} onRetry={onRetry} />;
  return (
    <>
      {notice && <PolicyNoticeBox notice={notice} api={api} />}
      {blocks.value.length === 0 && <p className="muted">{page.blocks.empty}</p>}
      <ol className="blocks" aria-live="polite">
        {blocks.value.map((block) => (
          <BlockRow key={block.eventId} block={block} onRequest={onRequest} />
        ))}
      </ol>
    </>
  );
}

function BlockRow({ block, onRequest }: { block: BlockNotice; onRequest: (target: ExceptionRequestTarget) => void }) {
  const { page, agent, locale } = useTexts();
  const { target } = block;
  return (
    <li className="block" data-event-id={block.eventId}>
      <div className="block__head">
        <time dateTime={block.occurredAt}>{formatLocalTime(block.occurredAt, locale)}</time>
        <span className={`badge badge--${block.action}`} data-action={block.action}>
          {page.blocks.action[block.action]}
        </span>
      </div>
      <p className="block__what">
        <span className="block__type">{page.blocks.type[block.type]}</span> <span className="block__subject">{block.what}</span>
      </p>
      <p className="block__reason">{block.reason || agent.defaultBlockReason(block.type, block.action === 'would-block')}</p>
      {target && (
        <button type="button" className="button button--quiet" onClick={() => onRequest(target)}>
          {page.blocks.requestException}
        </button>
      )}
    </li>
  );
}
