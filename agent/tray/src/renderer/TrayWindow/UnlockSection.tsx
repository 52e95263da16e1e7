import { useId, useRef, useState, type FormEvent } from 'react';
import type { IpcUnlockResult } from '@dlp/shared';
import type { TrayApi, TrayResult } from '../../common/tray-api';
import { formatLocalTime } from '../text/format';
import { useTexts } from '../text/texts';
import { FailureLine } from './FailureLine';
import { settle } from './settle';
import { countCodeCharacters, markCodePosition } from './unlock-code';

type Answer = TrayResult<IpcUnlockResult['result']>;

/**
 * Offline unlock: the employee types the code an officer read out. The code goes to the agent as
 * typed (it ignores case, dashes and spaces); a typo the agent can locate is marked where it was typed.
 */
export function UnlockSection({ api }: { api: TrayApi }) {
  const { page } = useTexts();
  const ids = useId();
  const input = useRef<HTMLInputElement>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<{ typed: string; result: Answer } | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (code.trim() === '') return;
    const typed = code;
    setBusy(true);
    const result = await settle(() => api.unlock(typed));
    setBusy(false);
    setAnswer({ typed, result });
    const position = result.ok && !result.value.ok ? result.value.position : undefined;
    const marked = position === undefined ? null : markCodePosition(typed, position);
    // Put the caret on the suspect character too, so it can be corrected in place.
    if (marked && input.current) {
      input.current.focus();
      input.current.setSelectionRange(marked.index, marked.index + marked.suspect.length);
    }
  };

  return (
    <form className="form" onSubmit={(event) => void submit(event)} noValidate>
      <p className="muted">{page.unlock.intro}</p>
      <div className="field">
        <label htmlFor={`${ids}-code`}>{page.unlock.code}</label>
        <input
          id={`${ids}-code`}
          ref={input}
          className="code-input"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          maxLength={128}
          placeholder="XXXX-XXXX-XXXX-XXXX-XXXX-XXXX"
          value={code}
          aria-describedby={`${ids}-code-hint`}
          onChange={(event) => setCode(event.target.value)}
        />
        <span id={`${ids}-code-hint`} className="field__hint">{page.unlock.codeHint}</span>
      </div>
      <button type="submit" className="button button--primary" disabled={busy || code.trim() === ''}>
        {busy ? page.unlock.checking : page.unlock.submit}
      </button>
      {answer && <UnlockAnswer typed={answer.typed} answer={answer.result} />}
    </form>
  );
}

function UnlockAnswer({ typed, answer }: { typed: string; answer: Answer }) {
  const { page, agent, locale } = useTexts();
  if (!answer.ok) return <FailureLine failure={answer} />;
  const result = answer.value;
  if (result.ok) {
    const { name, vendorId, productId, serial } = result.device;
    const label = name ?? `${vendorId}:${productId} ${serial}`;
    return <p className="message message--success" role="status">{agent.unlockAccepted(label, formatLocalTime(result.expiresAt, locale))}</p>;
  }
  const marked = result.position === undefined ? null : markCodePosition(typed, result.position);
  return (
    <div className="message message--failure" role="alert" data-refusal={result.reason}>
      <p>{agent.unlockRefused(result, countCodeCharacters(typed))}</p>
      {marked && (
        <p className="typed-code">
          <span>{page.unlock.youTyped}</span>{' '}
          <code>
            {marked.before}
            <mark className="typed-code__suspect" data-position={result.position}>{marked.suspect}</mark>
            {marked.after}
          </code>
        </p>
      )}
    </div>
  );
}
