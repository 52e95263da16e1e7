import { useCallback, useEffect, useState } from 'react';
import type { ExceptionRequestState } from '@dlp/shared';
import type { TrayApi, TrayResult } from '../../common/tray-api';
import { formatLocalTime, formatMinutes } from '../text/format';
import { useTexts } from '../text/texts';
import { FailureLine, Loading } from './FailureLine';
import { settle } from './settle';
import { TargetSummary } from './TargetSummary';

/**
 * The employee's own exception requests and what became of them. Loaded each time the section is
 * opened (and after a request is sent, through `version`), so a decision made meanwhile shows.
 */
export function MyRequestsSection({ api, active, version }: { api: TrayApi; active: boolean; version: number }) {
  const { page } = useTexts();
  const [requests, setRequests] = useState<TrayResult<ExceptionRequestState[]> | null>(null);
  const load = useCallback(() => void settle(() => api.myRequests()).then(setRequests), [api]);

  useEffect(() => {
    if (active) load();
  }, [active, version, load]);

  if (requests === null) return <Loading />;
  if (!requests.ok) return <FailureLine failure={requests} onRetry={load} />;
  return (
    <>
      {requests.value.length === 0 ? (
        <p className="muted">{page.myRequests.empty}</p>
      ) : (
        <ol className="requests">
          {requests.value.map((request) => (
            <RequestRow key={request.requestId} request={request} />
          ))}
        </ol>
      )}
      <button type="button" className="button button--quiet" onClick={load}>
        {page.myRequests.refresh}
      </button>
    </>
  );
}

function RequestRow({ request }: { request: ExceptionRequestState }) {
  const { page, agent, locale } = useTexts();
  const expiry = request.expiresAt ? formatLocalTime(request.expiresAt, locale) : null;
  return (
    <li className="request" data-request-id={request.requestId}>
      <TargetSummary target={request.target} />
      <dl className="facts facts--compact">
        <dt>{page.myRequests.requestedAt}</dt>
        <dd>
          <time dateTime={request.requestedAt}>{formatLocalTime(request.requestedAt, locale)}</time>
        </dd>
        <dt>{page.myRequests.duration}</dt>
        <dd>{formatMinutes(request.requestedMinutes, page.duration)}</dd>
      </dl>
      <p className={`badge badge--${request.state}`} data-state={request.state}>
        {agent.requestState[request.state]}
        {expiry && ` · ${request.state === 'expired' ? page.myRequests.endedAt(expiry) : page.myRequests.until(expiry)}`}
      </p>
    </li>
  );
}
