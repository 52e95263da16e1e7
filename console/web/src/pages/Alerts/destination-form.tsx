import { useState, type FormEvent } from 'react';
import { ALERT_DESTINATION_KINDS, alertDestinationKind, createAlertDestinationRequest, describeIssues, updateAlertDestinationRequest, type AlertDestination, type AlertDestinationKind, type CreateAlertDestinationRequest } from '@dlp/shared';
import { useApi } from '../../api';
import { FormProblems } from '../../components/form-problems';
import { useAction } from '../../hooks/use-action';
import { useI18n } from '../../i18n';

export interface DestinationSaved {
  name: string;
  /** Webhooks on creation: the signing secret, shown once. Null when editing or for syslog. */
  secret: string | null;
}

/**
 * The admins' destination form. Without `destination` it creates one and answers the created name
 * and (webhooks) the secret, shown once. With `destination` it is prefilled and saves name and
 * target (PATCH); the kind stays as it is — a syslog target turned into a webhook would need a new
 * secret the receiver does not have, so that is a new destination. Either way the body is checked
 * with the console's own schema first, so a wrong field is named before anything is sent.
 */
export function DestinationForm({ destination, onSaved, onCancel }: { destination?: AlertDestination; onSaved(saved: DestinationSaved): void; onCancel?(): void }) {
  const { t } = useI18n();
  const api = useApi();
  const save = useAction();
  const config = destination?.config;
  const [name, setName] = useState(destination?.name ?? '');
  const [kind, setKind] = useState<AlertDestinationKind>(config?.kind ?? 'webhook');
  const [url, setUrl] = useState(config?.kind === 'webhook' ? config.url : 'https://');
  const [caCertificate, setCaCertificate] = useState(config?.kind === 'webhook' ? (config.caCertificate ?? '') : '');
  const [host, setHost] = useState(config?.kind === 'syslog' ? config.host : '');
  const [port, setPort] = useState(config?.kind === 'syslog' ? config.port : 514);
  const [protocol, setProtocol] = useState<'udp' | 'tcp'>(config?.kind === 'syslog' ? config.protocol : 'tcp');
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (trimmed === '') return;
    // An edited syslog target keeps its facility (set through the API; the form does not show it).
    const facility = config?.kind === 'syslog' ? { facility: config.facility } : {};
    // An emptied CA field removes the CA: the receiver is checked against the system's CAs again.
    const ca = caCertificate.trim() === '' ? {} : { caCertificate: caCertificate.trim() };
    const target: CreateAlertDestinationRequest['config'] = kind === 'webhook' ? { kind, url: url.trim(), ...ca } : { kind, host: host.trim(), port, protocol, ...facility };
    const fields = { name: trimmed, config: target };
    const checked = destination === undefined ? createAlertDestinationRequest.safeParse(fields) : updateAlertDestinationRequest.safeParse(fields);
    if (!checked.success) return setProblem(t('alerts.dest.invalid', { issues: describeIssues(checked.error) }));
    setProblem(null);
    let secret: string | null = null;
    const work =
      destination === undefined
        ? async () => void ({ secret } = await api.alerts.createDestination(fields))
        : async () => void (await api.alerts.updateDestination(destination.id, updateAlertDestinationRequest.parse(fields)));
    if (await save.run(work)) {
      if (destination === undefined) setName('');
      onSaved({ name: trimmed, secret });
    }
  };

  return (
    <form className="inline-form" aria-label={destination === undefined ? t('alerts.dest.new') : t('alerts.dest.edit')} noValidate onSubmit={(event) => void submit(event)}>
      <FormProblems problem={problem} error={save.error} />
      <label className="inline-field">
        <span>{t('alerts.dest.name')}</span>
        <input name="destination-name" value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label className="inline-field">
        <span>{t('alerts.dest.kind')}</span>
        <select name="destination-kind" value={kind} disabled={destination !== undefined} title={destination !== undefined ? t('alerts.dest.kindFixed') : undefined} onChange={(e) => setKind(alertDestinationKind.parse(e.target.value))}>
          {ALERT_DESTINATION_KINDS.map((option) => (
            <option key={option} value={option}>
              {t(`alerts.dest.kind.${option}`)}
            </option>
          ))}
        </select>
      </label>
      {kind === 'webhook' ? (
        <>
          <label className="inline-field">
            <span>{t('alerts.dest.url')}</span>
            <input name="destination-url" type="url" value={url} onChange={(e) => setUrl(e.target.value)} />
          </label>
          <label className="inline-field">
            <span>{t('alerts.dest.ca')}</span>
            <textarea
              name="destination-ca"
              rows={3}
              spellCheck={false}
              placeholder="-----BEGIN CERTIFICATE-----"
              title={t('alerts.dest.caHint')}
              value={caCertificate}
              onChange={(e) => setCaCertificate(e.target.value)}
            />
          </label>
        </>
      ) : (
        <>
          <label className="inline-field">
            <span>{t('alerts.dest.host')}</span>
            <input name="destination-host" value={host} onChange={(e) => setHost(e.target.value)} />
          </label>
          <label className="inline-field">
            <span>{t('alerts.dest.port')}</span>
            <input name="destination-port" type="number" min={1} max={65535} value={port} onChange={(e) => setPort(Number(e.target.value))} />
          </label>
          <label className="inline-field">
            <span>{t('alerts.dest.protocol')}</span>
            <select name="destination-protocol" value={protocol} onChange={(e) => setProtocol(e.target.value as 'udp' | 'tcp')}>
              <option value="tcp">TCP</option>
              <option value="udp">UDP</option>
            </select>
          </label>
        </>
      )}
      <button type="submit" className="button button-primary" disabled={save.running || name.trim() === ''}>
        {destination === undefined ? t('alerts.dest.create') : t('alerts.dest.save')}
      </button>
      {onCancel && (
        <button type="button" className="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      )}
    </form>
  );
}
