import { useId, useState, type FormEvent } from 'react';
import { LIMITS, MAX_EXCEPTION_MINUTES, type ExceptionRequestTarget, type IpcExceptionRequestResult } from '@dlp/shared';
import type { TrayApi, TrayResult } from '../../common/tray-api';
import { formatMinutes } from '../text/format';
import { useTexts } from '../text/texts';
import { FailureLine } from './FailureLine';
import { settle } from './settle';
import { TargetSummary } from './TargetSummary';

/** 1 hour, 4 hours, 1 day, 3 days, 7 days; anything else up to the schema's maximum is "other". */
const PRESET_MINUTES = [60, 240, 1440, 4320, 10080] as const;
const CUSTOM = 'custom';

type Answer = TrayResult<IpcExceptionRequestResult['result']>;

/**
 * Asks the console, through the agent, for a time-boxed exception for one blocked program or device.
 * The window mounts a fresh form (new key) for each block the employee picks.
 */
export function RequestSection({ api, target, onSent }: { api: TrayApi; target: ExceptionRequestTarget | null; onSent: () => void }) {
  const { page } = useTexts();
  const ids = useId();
  const [justification, setJustification] = useState('');
  const [duration, setDuration] = useState<string>(String(PRESET_MINUTES[1]));
  const [customMinutes, setCustomMinutes] = useState('');
  const [problem, setProblem] = useState<'justification' | 'minutes' | null>(null);
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<Answer | null>(null);

  if (!target) return <p className="muted">{page.request.noTarget}</p>;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const minutes = Number(duration === CUSTOM ? customMinutes : duration);
    if (justification.trim() === '') return setProblem('justification');
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_EXCEPTION_MINUTES) return setProblem('minutes');
    setProblem(null);
    setBusy(true);
    const result = await settle(() => api.requestException({ target, justification: justification.trim(), requestedMinutes: minutes }));
    setBusy(false);
    setAnswer(result);
    if (result.ok && result.value.ok) onSent();
  };

  return (
    <form className="form" onSubmit={(event) => void submit(event)} noValidate>
      <div className="field">
        <span className="field__label" id={`${ids}-target`}>{page.request.target}</span>
        <p className="field__readonly" aria-labelledby={`${ids}-target`} data-target>
          <TargetSummary target={target} />
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${ids}-why`}>{page.request.justification}</label>
        <textarea
          id={`${ids}-why`}
          rows={4}
          maxLength={LIMITS.maxText}
          required
          autoFocus
          value={justification}
          aria-invalid={problem === 'justification'}
          aria-describedby={`${ids}-why-hint`}
          onChange={(event) => setJustification(event.target.value)}
        />
        <span id={`${ids}-why-hint`} className={problem === 'justification' ? 'field__problem' : 'field__hint'}>
          {problem === 'justification' ? page.request.justificationRequired : page.request.justificationHint(LIMITS.maxText)}
        </span>
      </div>
      <div className="field field--row">
        <label htmlFor={`${ids}-duration`}>{page.request.duration}</label>
        <select id={`${ids}-duration`} value={duration} onChange={(event) => setDuration(event.target.value)}>
          {PRESET_MINUTES.map((minutes) => (
            <option key={minutes} value={String(minutes)}>
              {formatMinutes(minutes, page.duration)}
            </option>
          ))}
          <option value={CUSTOM}>{page.request.custom}</option>
        </select>
        {duration === CUSTOM && (
          <>
            <label htmlFor={`${ids}-minutes`}>{page.request.customMinutes}</label>
            <input
              id={`${ids}-minutes`}
              type="number"
              inputMode="numeric"
              min={1}
              max={MAX_EXCEPTION_MINUTES}
              value={customMinutes}
              aria-invalid={problem === 'minutes'}
              onChange={(event) => setCustomMinutes(event.target.value)}
            />
          </>
        )}
      </div>
      {problem === 'minutes' && <p className="field__problem" role="alert">{page.request.minutesRange(MAX_EXCEPTION_MINUTES)}</p>}
      <button type="submit" className="button button--primary" disabled={busy}>
        {busy ? page.request.sending : page.request.submit}
      </button>
      {answer && <RequestAnswer answer={answer} />}
    </form>
  );
}

function RequestAnswer({ answer }: { answer: Answer }) {
  const { agent } = useTexts();
  if (!answer.ok) return <FailureLine failure={answer} />;
  const result = answer.value;
  if (result.ok) {
    return <p className="message message--success" role="status" data-request-id={result.requestId}>{agent.requestSent(result.requestId)}</p>;
  }
  return <p className="message message--failure" role="alert" data-refusal={result.reason}>{agent.requestRefused(result.reason)}</p>;
}
