import { useState } from 'react';
import type { AlertDestination, AlertRule } from '@dlp/shared';
import { useApi } from '../../api';
import { Badge, SeverityLabel } from '../../components/badges';
import { Dialog } from '../../components/dialog';
import { ErrorBanner } from '../../components/error-banner';
import { useAction } from '../../hooks/use-action';
import { useLoader } from '../../hooks/use-loader';
import { useI18n } from '../../i18n';
import { describeRule, destinationNames } from './alert-labels';
import { EnableDeleteButtons } from './row-actions';
import { RuleForm } from './rule-form';

/** Alert rules: everyone reads them; admins create, edit, enable/disable and delete. */
/** `destinations` is null for roles that may not read them (officers): the rule then shows how many. */
export function RulesSection({ canEdit, destinations }: { canEdit: boolean; destinations: AlertDestination[] | null }) {
  const { t } = useI18n();
  const api = useApi();
  const rules = useLoader(() => api.alerts.rules(), 'alert-rules');
  const change = useAction();
  const [saved, setSaved] = useState<{ name: string; created: boolean } | null>(null);
  const [editing, setEditing] = useState<AlertRule | null>(null);
  const names = new Map((destinations ?? []).map((d) => [d.id, d.name]));

  const run = async (work: () => Promise<unknown>) => {
    if (await change.run(work)) await rules.reload();
  };

  return (
    <section className="card section-gap" aria-labelledby="alert-rules-title">
      <h2 id="alert-rules-title">{t('alerts.rules.title')}</h2>
      {!canEdit && <p className="muted small">{t('common.readOnly')}</p>}
      {saved && (
        <p className="banner banner-success" role="status">
          {t(saved.created ? 'alerts.rules.created' : 'alerts.rules.saved', { name: saved.name })}
        </p>
      )}
      {canEdit && (
        <RuleForm
          destinations={destinations ?? []}
          onSaved={(name) => {
            setSaved({ name, created: true });
            void rules.reload();
          }}
        />
      )}
      {editing && (
        <Dialog title={t('alerts.rules.editTitle', { name: editing.name })} onClose={() => setEditing(null)} wide>
          <RuleForm
            key={editing.id}
            destinations={destinations ?? []}
            rule={editing}
            onCancel={() => setEditing(null)}
            onSaved={(name) => {
              setEditing(null);
              setSaved({ name, created: false });
              void rules.reload();
            }}
          />
        </Dialog>
      )}
      {change.error !== null && <ErrorBanner error={change.error} />}
      {rules.error !== null && <ErrorBanner error={rules.error} onRetry={() => void rules.reload()} />}
      {(rules.data ?? []).length === 0 ? (
        !rules.loading && <p className="muted">{t('alerts.rules.none')}</p>
      ) : (
        <table className="data-table compact-table" data-testid="alert-rules">
          <thead>
            <tr>
              <th scope="col">{t('alerts.rules.name')}</th>
              <th scope="col">{t('alerts.rules.condition')}</th>
              <th scope="col">{t('alerts.rules.severity')}</th>
              <th scope="col">{t('alerts.rules.destinations')}</th>
              <th scope="col">{t('alerts.rules.cooldown')}</th>
              <th scope="col">{t('alerts.col.state')}</th>
              {canEdit && <th scope="col">{t('alerts.col.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {(rules.data ?? []).map((rule) => {
              const sendTo = destinations === null ? (rule.destinationIds.length > 0 ? [String(rule.destinationIds.length)] : []) : destinationNames(rule, names);
              return (
                <tr key={rule.id}>
                  <th scope="row">
                    {rule.name}
                    <div className="muted small">{t(`alerts.kind.${rule.params.kind}`)}</div>
                  </th>
                  <td>{describeRule(rule.params, t)}</td>
                  <td>
                    <SeverityLabel severity={rule.severity} />
                  </td>
                  <td>{sendTo.length > 0 ? sendTo.join(', ') : <span className="muted">{t('alerts.rules.noDestinations')}</span>}</td>
                  <td>{rule.cooldownMinutes}</td>
                  <td>
                    <Badge tone={rule.enabled ? 'green' : 'grey'}>{t(rule.enabled ? 'alerts.rules.enabled' : 'alerts.rules.disabled')}</Badge>
                  </td>
                  {canEdit && (
                    <td className="cell-nowrap">
                      <EnableDeleteButtons
                        enabled={rule.enabled}
                        busy={change.running}
                        onToggle={() => void run(() => api.alerts.updateRule(rule.id, { enabled: !rule.enabled }))}
                        onDelete={() => void run(() => api.alerts.deleteRule(rule.id))}
                        onEdit={() => setEditing(rule)}
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
