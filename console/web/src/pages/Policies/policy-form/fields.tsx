import { useState, type ReactNode } from 'react';
import { useI18n } from '../../../i18n';
import { dottedPath, fieldIdOf, valueAt, type DocumentPath } from './document-path';
import { issueText } from './issue-text';
import { usePolicyForm } from './form-context';

interface FieldProps {
  path: DocumentPath;
  label: string;
  hint?: string;
  /** Shown when the document has no value here (the schema's default). */
  fallback?: unknown;
}

/** Label, control and the field's problems; `data-path` lets an issue link find the field. */
function FieldFrame({ path, label, hint, children, wide }: { path: DocumentPath; label: string; hint?: string; children: ReactNode; wide?: boolean }) {
  const { issuesAt } = usePolicyForm();
  const { t } = useI18n();
  const dotted = dottedPath(path);
  const issues = issuesAt(dotted);
  return (
    <div className={`pf-field${wide ? ' pf-field-wide' : ''}${issues.length > 0 ? ' pf-field-invalid' : ''}`} data-path={dotted}>
      <label htmlFor={fieldIdOf(path)}>{label}</label>
      {children}
      {hint && <span className="muted small">{hint}</span>}
      <Problems path={path} texts={issues.map((issue) => issueText(issue, t))} />
    </div>
  );
}

/** The field's problems, already in the reader's language (issueText). */
function Problems({ path, texts }: { path: DocumentPath; texts: readonly string[] }) {
  if (texts.length === 0) return null;
  return (
    <span className="pf-field-problem" id={`${fieldIdOf(path)}-problem`}>
      {texts.join('; ')}
    </span>
  );
}

function controlProps(path: DocumentPath, invalid: boolean) {
  const id = fieldIdOf(path);
  return { id, 'aria-invalid': invalid, ...(invalid ? { 'aria-describedby': `${id}-problem` } : {}) };
}

/** A text input (`wide`: a whole row of the grid); an emptied optional field is removed from the document. */
export function TextField({ path, label, hint, fallback, required, placeholder, mono, wide }: FieldProps & { required?: boolean; placeholder?: string; mono?: boolean; wide?: boolean }) {
  const form = usePolicyForm();
  const value = valueAt(form.document, path) ?? fallback;
  return (
    <FieldFrame path={path} label={label} hint={hint} wide={wide}>
      <input
        {...controlProps(path, form.issuesAt(dottedPath(path)).length > 0)}
        className={mono ? 'mono' : undefined}
        value={typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value)}
        placeholder={placeholder}
        readOnly={form.readOnly}
        onChange={(event) => form.setAt(path, event.target.value === '' && !required ? undefined : event.target.value)}
      />
    </FieldFrame>
  );
}

/** A number input; text that is not a number is kept as typed so the console names the field. */
export function NumberField({ path, label, hint, fallback, step }: FieldProps & { step?: number }) {
  const form = usePolicyForm();
  const value = valueAt(form.document, path) ?? fallback;
  return (
    <FieldFrame path={path} label={label} hint={hint}>
      <input
        {...controlProps(path, form.issuesAt(dottedPath(path)).length > 0)}
        inputMode="decimal"
        step={step}
        value={value === undefined ? '' : String(value)}
        readOnly={form.readOnly}
        onChange={(event) => {
          const typed = event.target.value.trim();
          form.setAt(path, typed === '' ? undefined : Number.isFinite(Number(typed)) ? Number(typed) : typed);
        }}
      />
    </FieldFrame>
  );
}

/** A choice among the schema's values; an unknown value in the document is shown, not replaced. */
export function SelectField({ path, label, hint, fallback, options }: FieldProps & { options: ReadonlyArray<{ value: string; label: string }> }) {
  const form = usePolicyForm();
  const value = valueAt(form.document, path) ?? fallback;
  const current = typeof value === 'string' ? value : '';
  const listed = options.some((option) => option.value === current);
  return (
    <FieldFrame path={path} label={label} hint={hint}>
      <select {...controlProps(path, form.issuesAt(dottedPath(path)).length > 0)} value={current} disabled={form.readOnly} onChange={(event) => form.setAt(path, event.target.value)}>
        {!listed && <option value={current}>{current === '' ? '—' : current}</option>}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

/** A switch stored as a boolean. */
export function CheckField({ path, label, hint, fallback }: FieldProps) {
  const form = usePolicyForm();
  const { t } = useI18n();
  const value = valueAt(form.document, path) ?? fallback;
  const dotted = dottedPath(path);
  const issues = form.issuesAt(dotted);
  return (
    <div className={`pf-check${issues.length > 0 ? ' pf-field-invalid' : ''}`} data-path={dotted}>
      <input type="checkbox" {...controlProps(path, issues.length > 0)} checked={value === true} disabled={form.readOnly} onChange={(event) => form.setAt(path, event.target.checked)} />
      <label htmlFor={fieldIdOf(path)}>{label}</label>
      {hint && <span className="muted small">{hint}</span>}
      <Problems path={path} texts={issues.map((issue) => issueText(issue, t))} />
    </div>
  );
}

/**
 * A list of strings, one per line (trusted paths, watched folders). Empty lines are dropped when
 * written; an item's problem (`apps.trustedPaths.2`) shows under the list with its line number.
 */
export function LinesField({ path, label, hint, fallback }: FieldProps) {
  const form = usePolicyForm();
  const value = valueAt(form.document, path) ?? fallback;
  const items = Array.isArray(value) ? value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))) : [];
  const dotted = dottedPath(path);
  const { t } = useI18n();
  const itemTexts = items.flatMap((_, index) => form.issuesAt(`${dotted}.${index}`).map((issue) => `${index + 1}: ${issueText(issue, t)}`));
  const texts = [...form.issuesAt(dotted).map((issue) => issueText(issue, t)), ...itemTexts];
  // While typing, the text is kept as typed (a new empty line must survive until something is on it).
  const [typing, setTyping] = useState<string | null>(null);
  return (
    <div className={`pf-field${texts.length > 0 ? ' pf-field-invalid' : ''}`} data-path={dotted}>
      <label htmlFor={fieldIdOf(path)}>{label}</label>
      <textarea
        {...controlProps(path, texts.length > 0)}
        className="mono"
        rows={Math.min(8, Math.max(2, items.length + 1))}
        value={typing ?? items.join('\n')}
        readOnly={form.readOnly}
        onBlur={() => setTyping(null)}
        onChange={(event) => {
          setTyping(event.target.value);
          form.setAt(path, event.target.value.split('\n').filter((line) => line.trim() !== ''));
        }}
      />
      {hint && <span className="muted small">{hint}</span>}
      <Problems path={path} texts={texts} />
    </div>
  );
}
