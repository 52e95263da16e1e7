import { useState, type FormEvent } from 'react';
import type { CreateAlertDestinationRequest } from '@dlp/shared';
import { useApi } from '../../api';
import { ErrorBanner } from '../../components/error-banner';
import { useAction } from '../../hooks/use-action';
import { useI18n } from '../../i18n';

/** The admins' "new destination" form; answers the created name and (webhooks) the secret, shown once. */
export function DestinationForm({ onCreated }: { onCreated(created: { name: string; secret: string | null }): void }) {
  const { t } = useI18n();
  const api = useApi();
  const create = useAction();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'webhook' | 'syslog'>('webhook');
  const [url, setUrl] = useState('https://');
  const [host, setHost] = useState('');
  const [port, setPort] = useState(514);
  const [protocol, setProtocol] = useState<'udp' | 'tcp'>('tcp');

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (trimmed === '') return;
    const request: CreateAlertDestinationRequest = {
      name: trimmed,
      config: kind === 'webhook' ? { kind, url: url.trim() } : { kind, host: host.trim(), port, protocol },
    };
    let secret: string | null = null;
    if (await create.run(async () => void ({ secret } = await api.alerts.createDestination(request)))) {
      setName('');
      onCreated({ name: trimmed, secret });
    }
  };

  return (
    <form className="inline-form" aria-label={t('alerts.dest.new')} onSubmit={(event) => void submit(event)}>
      {create.error !== null && <ErrorBanner error={create.error} />}
      <label className="inline-field">
        <span>{t('alerts.dest.name')}</span>
        <input name="destination-name" value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label className="inline-field">
        <span>{t('alerts.dest.kind')}</span>
        <select name="destination-kind" value={kind} onChange={(e) => setKind(e.target.value as 'webhook' | 'syslog')}>
          <option value="webhook">{t('alerts.dest.kind.webhook')}</option>
          <option value="syslog">{t('alerts.dest.kind.syslog')}</option>
        </select>
      </label>
      {kind === 'webhook' ? (
        <label className="inline-field">
          <span>{t('alerts.dest.url')}</span>
          <input name="destination-url" type="url" value={url} onChange={(e) => setUrl(e.target.value)} />
        </label>
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
      <button type="submit" className="button button-primary" disabled={create.running || name.trim() === ''}>
        {t('alerts.dest.create')}
      </button>
    </form>
  );
}
