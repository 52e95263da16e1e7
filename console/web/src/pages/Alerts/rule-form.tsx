import { useState, type FormEvent } from 'react';
import { alertRuleKind, eventAction, severity as severitySchema, type AlertDestination, type AlertRuleKind, type CreateAlertRuleRequest, type EventAction, type Severity } from '@dlp/shared';
import { useApi } from '../../api';
import { ErrorBanner } from '../../components/error-banner';
import { EnumOptions } from '../../components/enum-options';
import { useAction } from '../../hooks/use-action';
import { useI18n } from '../../i18n';

function paramsOf(kind: AlertRuleKind, fields: { count: number; window: number; per: 'host' | 'user'; action: EventAction; afterMinutes: number }): CreateAlertRuleRequest['params'] {
  switch (kind) {
    case 'threshold':
      return { kind, count: fields.count, windowMinutes: fields.window, per: fields.per, action: fields.action };
    case 'agent-offline':
      return { kind, afterMinutes: fields.afterMinutes };
    case 'content':
    case 'policy-tampering':
      return { kind };
    case 'fail-open-timeout':
      return { kind, failModes: ['open'] };
  }
}

/** The admins' "new rule" form: kind-specific fields, severity, destinations, cooldown. */
export function RuleForm({ destinations, onCreated }: { destinations: AlertDestination[]; onCreated(name: string): void }) {
  const { t } = useI18n();
  const api = useApi();
  const create = useAction();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<AlertRuleKind>('threshold');
  const [severity, setSeverity] = useState<Severity>('high');
  const [count, setCount] = useState(10);
  const [window, setWindow] = useState(5);
  const [per, setPer] = useState<'host' | 'user'>('host');
  const [action, setAction] = useState<EventAction>('blocked');
  const [afterMinutes, setAfterMinutes] = useState(30);
  const [cooldown, setCooldown] = useState(15);
  const [chosen, setChosen] = useState<string[]>([]);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (trimmed === '') return;
    const request: CreateAlertRuleRequest = { name: trimmed, severity, params: paramsOf(kind, { count, window, per, action, afterMinutes }), destinationIds: chosen, cooldownMinutes: cooldown };
    if (await create.run(() => api.alerts.createRule(request))) {
      setName('');
      onCreated(trimmed);
    }
  };

  const toggle = (id: string) => setChosen((current) => (current.includes(id) ? current.filter((c) => c !== id) : [...current, id]));
  const number = (set: (n: number) => void) => (e: { target: { value: string } }) => set(Number(e.target.value));

  return (
    <form className="inline-form" aria-label={t('alerts.rules.new')} onSubmit={(event) => void submit(event)}>
      {create.error !== null && <ErrorBanner error={create.error} />}
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
      <button type="submit" className="button button-primary" disabled={create.running || name.trim() === ''}>
        {t('alerts.rules.create')}
      </button>
    </form>
  );
}
