import type { PolicyNotice } from '@dlp/shared';
import type { TrayApi } from '../../common/tray-api';
import { useTexts } from '../text/texts';

/** The policy's own words for employees and its help link (opened in the browser by the main process). */
export function PolicyNoticeBox({ notice, api }: { notice: PolicyNotice; api: TrayApi }) {
  const { page } = useTexts();
  const { message, helpUrl } = notice;
  if (!message && !helpUrl) return null;
  return (
    <aside className="notice" aria-label={page.notice.heading}>
      <h3 className="notice__heading">{page.notice.heading}</h3>
      {message && <p className="notice__message">{message}</p>}
      {helpUrl && (
        <button type="button" className="button" onClick={() => void api.openHelp(helpUrl)}>
          {page.notice.openHelp}
        </button>
      )}
    </aside>
  );
}
