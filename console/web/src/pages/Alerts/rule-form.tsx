import { useState, type FormEvent } from 'react';
import { alertRuleKind, createAlertRuleRequest, describeIssues, eventAction, severity as severitySchema, updateAlertRuleRequest, type AlertDestination, type AlertRule, type AlertRuleKind, type EventAction, type Severity } from '@dlp/shared';
import { useApi } from '../../api';
import { EnumOptions } from '../../components/enum-options';
import { useAction } from '../../hooks/use-action';
import { useI18n } from '../../i18n';
import { DEFAULT_PARAM_FIELDS, paramFieldsOf, paramsOf } from './rule-params';
import { FormProblems } from '../../components/form-problems';

/**
 * The admins' rule form: kind-specific fields, severity, destinations, cooldown. Without `rule` it
 * creates a rule; with `rule` it is prefilled and saves the changes (PATCH). Either way the body is
 * checked with the console's own schema first, so a wrong field is named before anything is sent.
 */
export function RuleForm({ destinations, rule, onSaved, onCancel }: { destinations: AlertDestination[]; rule?: AlertRule; onSaved(name: string): void; onCancel?(): void }) {
  const { t } = useI18n();
  const api = useApi();
  const save = useAction();
  const initial = rule === undefined ? DEFAULT_PARAM_FIELDS : paramFieldsOf(rule.params);
  const [name, setName] = useState(rule?.name ?? '');
  const [kind, setKind] = useState<AlertRuleKind>(rule?.params.kind ?? 'threshold');
  const [severity, setSeverity] = useState<Severity>(rule?.severity ?? 'high');
  const [count, setCount] = useState(initial.count);
  const [window, setWindow] = useState(initial.window);
  const [per, setPer] = useState<'host' | 'user'>(initial.per);
  const [action, setAction] = useState<EventAction>(initial.action);
  const [afterMinutes, setAfterMinutes] = useState(initial.afterMinutes);
  const [skewSeconds, setSkewSeconds] = useState(initial.skewSeconds);
  const [cooldown, setCooldown] = useState(rule?.cooldownMinutes ?? 15);
  const [chosen, setChosen] = useState<string[]>(rule?.destinationIds ?? []);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (trimmed === '') return;
    const fields = { name: trimmed, severity, params: paramsOf(kind, { count, window, per, action, afterMinutes, skewSeconds }, rule?.params), destinationIds: chosen, cooldownMinutes: cooldown };
    const checked = rule === undefined ? createAlertRuleRequest.safeParse(fields) : updateAlertRuleRequest.safeParse(fields);
    if (!checked.success) return setProblem(t('alerts.rules.invalid', { issues: describeIssues(checked.error) }));
    setProblem(null);
    const work = rule === undefined ? () => api.alerts.createRule(fields) : () => api.alerts.updateRule(rule.id, fields);
    if (await save.run(work)) {
      if (rule === undefined) setName('');
      onSaved(trimmed);
    }
  };

  const toggle = (id: string) => setChosen((current) => (current.includes(id) ? current.filter((c) => c !== id) : [...current, id]));
  const number = (set: (n: number) => void) => (e: { target: { value: string } }) => set(Number(e.target.value));

  return (
    <form className="inline-form" aria-label={rule === undefined ? t('alerts.rules.new') : t('alerts.rules.edit')} noValidate onSubmit={(event) => void submit(event)}>
      <FormProblems problem={problem} error={save.error} />
      <label className="inline-field">
        <span>{t('alerts.rules.name')}</span>
        <input name="rule-name" value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label className="inline-field">
        <span>{t('alerts.rules.kind')}</span>
        <select name="rule-kind" value={kind} onChange={(e) => setKind(e.target.value as AlertRuleKind)}>
          <EnumOptions options={alertRuleKind.options} label={(option) => t(`alerts.kind.${option}`)} />
        </select>
      </label>
      {kind === 'threshold' && (
        <>
          <label className="inline-field">
            <span>{t('alerts.rules.count')}</span>
            <input name="rule-count" type="number" min={1} value={count} onChange={number(setCount)} />
          </label>
          <label className="inline-field">
            <span>{t('alerts.rules.window')}</span>
            <input name="rule-window" type="number" min={1} max={1440} value={window} onChange={number(setWindow)} />
          </label>
          <label className="inline-field">
            <span>{t('alerts.rules.per')}</span>
            <select name="rule-per" value={per} onChange={(e) => setPer(e.target.value as 'host' | 'user')}>
              <option value="host">{t('alerts.rules.per.host')}</option>
              <option value="user">{t('alerts.rules.per.user')}</option>
            </select>
          </label>
          <label className="inline-field">
            <span>{t('alerts.rules.action')}</span>
            <select name="rule-action" value={action} onChange={(e) => setAction(e.target.value as EventAction)}>
              <EnumOptions options={eventAction.options} label={(option) => t(`action.${option}`)} />
            </select>
          </label>
        </>
      )}
      {kind === 'agent-offline' && (
        <label className="inline-field">
          <span>{t('alerts.rules.afterMinutes')}</span>
          <input name="rule-after" type="number" min={1} value={afterMinutes} onChange={number(setAfterMinutes)} />
        </label>
      )}
      {kind === 'clock-skew' && (
        <label className="inline-field">
          <span>{t('alerts.rules.skewSeconds')}</span>
          <input name="rule-skew" type="number" min={1} value={skewSeconds} onChange={number(setSkewSeconds)} />
        </label>
      )}
      <label className="inline-field">
        <span>{t('alerts.rules.severity')}</span>
        <select name="rule-severity" value={severity} onChange={(e) => setSeverity(e.target.value as Severity)}>
          <EnumOptions options={severitySchema.options} label={(option) => t(`severity.${option}`)} />
        </select>
      </label>
      <label className="inline-field">
        <span>{t('alerts.rules.cooldown')}</span>
        <input name="rule-cooldown" type="number" min={1} value={cooldown} onChange={number(setCooldown)} />
      </label>
      {destinations.length > 0 && (
        <fieldset className="inline-field">
          <legend>{t('alerts.rules.destinations')}</legend>
          {destinations.map((d) => (
            <label key={d.id}>
              <input type="checkbox" checked={chosen.includes(d.id)} onChange={() => toggle(d.id)} /> {d.name}
            </label>
          ))}
        </fieldset>
      )}
      <button type="submit" className="button button-primary" disabled={save.running || name.trim() === ''}>
        {t(rule === undefined ? 'alerts.rules.create' : 'alerts.rules.save')}
      </button>
      {onCancel && (
        <button type="button" className="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      )}
    </form>
  );
}
