import type { AgentStatus } from '@dlp/shared';
import type { TrayApi, TrayResult } from '../../common/tray-api';
import { formatLocalTime } from '../text/format';
import { useTexts } from '../text/texts';
import { FailureLine, Loading } from './FailureLine';
import { PolicyNoticeBox } from './PolicyNoticeBox';

/** Whether this computer is protected, whether the console is reachable, and what is in force. */
export function StatusSection({ status, api, onRetry }: { status: TrayResult<AgentStatus> | null; api: TrayApi; onRetry: () => void }) {
  if (status === null) return <Loading />;
  if (!status.ok) return <FailureLine failure={status} onRetry={onRetry} />;
  return <StatusDetails status={status.value} api={api} />;
}

function StatusDetails({ status, api }: { status: AgentStatus; api: TrayApi }) {
  const { page, agent, locale } = useTexts();
  const contact = status.lastContactAt ? page.status.lastContact(formatLocalTime(status.lastContactAt, locale)) : page.status.neverContacted;
  return (
    <>
      <p className={`protection protection--${status.protection}`} data-protection={status.protection}>
        <ShieldIcon />
        <strong>{agent.protection[status.protection]}</strong>
      </p>
      <dl className="facts">
        <dt>{page.status.console}</dt>
        <dd className={`link link--${status.console}`} data-console={status.console}>
          {agent.consoleLink[status.console]}
          <span className="muted facts__sub">{contact}</span>
        </dd>
        <dt>{page.status.policy}</dt>
        <dd data-policy>
          {status.policy ? `${page.status.policySummary(status.policy.name, status.policy.serial)} · ${page.status.mode[status.policy.mode]}` : page.status.noPolicy}
        </dd>
        <dt>{page.status.computer}</dt>
        <dd>{status.host}</dd>
      </dl>
      <h2 className="subheading">{page.status.inForce}</h2>
      {status.controls.length === 0 ? (
        <p className="muted">{page.status.noControls}</p>
      ) : (
        <ul className="controls">
          {status.controls.map((control) => (
            <li key={control.control} className={`control control--${control.state}`}>
              <span>{agent.control[control.control]}</span>
              <span className="control__state">{agent.controlState[control.state]}</span>
            </li>
          ))}
        </ul>
      )}
      <PolicyNoticeBox notice={status.notice} api={api} />
    </>
  );
}

/** Colour comes from the protection class; the words next to it carry the meaning too. */
function ShieldIcon() {
  return (
    <svg className="protection__icon" viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">
      <path d="M12 2 4 5v6c0 5 3.4 9.3 8 11 4.6-1.7 8-6 8-11V5l-8-3z" />
    </svg>
  );
}
