import { useState } from 'react';
import type { AlertDestination } from '@dlp/shared';
import { useApi } from '../../api';
import { Badge } from '../../components/badges';
import { Dialog } from '../../components/dialog';
import { ErrorBanner } from '../../components/error-banner';
import { SecretOnce } from '../../components/secret-once';
import { useAction } from '../../hooks/use-action';
import { useLoader } from '../../hooks/use-loader';
import { useI18n } from '../../i18n';
import { DestinationForm } from './destination-form';
import { EnableDeleteButtons } from './row-actions';

const STATS_REFRESH_MS = 10_000;

function targetOf(destination: AlertDestination, ownCa: string): string {
  const config = destination.config;
  if (config.kind === 'syslog') return `${config.protocol}://${config.host}:${config.port}`;
  return config.caCertificate === undefined ? config.url : `${config.url} · ${ownCa}`;
}

type Notice = { tone: 'success' | 'warning'; text: string };

/** Webhook and syslog destinations with this node's delivery counters; admins create, edit, test and delete. */
export function DestinationsSection({ canEdit, destinations, onChanged }: { canEdit: boolean; destinations: AlertDestination[]; onChanged(): void }) {
  const { t } = useI18n();
  const api = useApi();
  const stats = useLoader(() => api.alerts.deliveryStats(), 'alert-delivery-stats', STATS_REFRESH_MS);
  const change = useAction();
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [editing, setEditing] = useState<AlertDestination | null>(null);
  const counters = new Map((stats.data ?? []).map((c) => [c.destinationId, c]));

  const test = async (destination: AlertDestination) => {
    setNotice(null);
    await change.run(async () => {
      const result = await api.alerts.testDestination(destination.id);
      setNotice(
        result.ok
          ? { tone: 'success', text: t('alerts.dest.testOk', { name: destination.name, ms: Math.round(result.durationMs) }) }
          : { tone: 'warning', text: t('alerts.dest.testFailed', { name: destination.name, error: result.error ?? '' }) },
      );
    });
  };
  const toggle = async (destination: AlertDestination) => {
    if (await change.run(() => api.alerts.updateDestination(destination.id, { enabled: !destination.enabled }))) onChanged();
  };
  const remove = async (id: string) => {
    if (await change.run(() => api.alerts.deleteDestination(id))) onChanged();
  };

  return (
    <section className="card section-gap" aria-labelledby="alert-destinations-title">
      <h2 id="alert-destinations-title">{t('alerts.dest.title')}</h2>
      {!canEdit && <p className="muted small">{t('common.readOnly')}</p>}
      {secret && <SecretOnce label={t('alerts.dest.secretLabel', { name: secret.name })} note={t('alerts.dest.secretNote')} secret={secret.secret} onDismiss={() => setSecret(null)} />}
      {notice && (
        <p className={`banner banner-${notice.tone}`} role="status" data-testid="test-result">
          {notice.text}
        </p>
      )}
      {canEdit && (
        <DestinationForm
          onSaved={(created) => {
            if (created.secret !== null) setSecret({ name: created.name, secret: created.secret });
            onChanged();
            void stats.reload();
          }}
        />
      )}
      {editing && (
        <Dialog title={t('alerts.dest.editTitle', { name: editing.name })} onClose={() => setEditing(null)} wide>
          <DestinationForm
            key={editing.id}
            destination={editing}
            onCancel={() => setEditing(null)}
            onSaved={(saved) => {
              setEditing(null);
              setNotice({ tone: 'success', text: t('alerts.dest.saved', { name: saved.name }) });
              onChanged();
            }}
          />
        </Dialog>
      )}
      {change.error !== null && <ErrorBanner error={change.error} />}
      {destinations.length === 0 ? (
        <p className="muted">{t('alerts.dest.none')}</p>
      ) : (
        <table className="data-table compact-table" data-testid="alert-destinations">
          <thead>
            <tr>
              <th scope="col">{t('alerts.dest.name')}</th>
              <th scope="col">{t('alerts.dest.kind')}</th>
              <th scope="col">{t('alerts.dest.target')}</th>
              <th scope="col">{t('alerts.dest.delivery')}</th>
              {canEdit && <th scope="col">{t('alerts.col.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {destinations.map((destination) => {
              const c = counters.get(destination.id);
              return (
                <tr key={destination.id}>
                  <th scope="row">
                    {destination.name} {!destination.enabled && <Badge tone="grey">{t('alerts.rules.disabled')}</Badge>}
                  </th>
                  <td>{t(`alerts.dest.kind.${destination.config.kind}`)}</td>
                  <td className="cell-break">{targetOf(destination, t('alerts.dest.ownCa'))}</td>
                  <td className="small">
                    {c ? t('alerts.dest.counters', { sent: c.sent, failed: c.failed, dropped: c.dropped, queued: c.queued, rateLimited: c.rateLimited }) : t('common.none')}
                    {c?.lastError && <div className="muted">{t('alerts.dest.lastError', { error: c.lastError })}</div>}
                  </td>
                  {canEdit && (
                    <td className="cell-nowrap">
                      <button type="button" className="button button-small" disabled={change.running} onClick={() => void test(destination)}>
                        {t('alerts.dest.test')}
                      </button>{' '}
                      <EnableDeleteButtons
                        enabled={destination.enabled}
                        busy={change.running}
                        onEdit={() => setEditing(destination)}
                        onToggle={() => void toggle(destination)}
                        onDelete={() => void remove(destination.id)}
                      />
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
