import { roleMay } from '@dlp/shared';
import { useApi } from '../../api';
import { ErrorBanner } from '../../components/error-banner';
import { useLoader } from '../../hooks/use-loader';
import { useI18n } from '../../i18n';
import { useCurrentUser } from '../../session/session-context';
import { DestinationsSection } from './destinations-section';
import { FiredAlertsSection } from './fired-alerts-section';
import { RulesSection } from './rules-section';

/**
 * Alerts: fired alerts for everyone; rules (admins change, others read); destinations and delivery
 * counters for admins (change) and auditors (read). Officers never load destinations (403).
 */
export function AlertsPage() {
  const { t } = useI18n();
  const api = useApi();
  const role = useCurrentUser()?.role;
  const isAdmin = roleMay('administration', role);
  const readsDestinations = roleMay('configurationView', role);
  const destinations = useLoader(() => (readsDestinations ? api.alerts.destinations() : Promise.resolve(null)), `alert-destinations:${String(readsDestinations)}`);
  return (
    <main className="page">
      <div className="page-heading">
        <div>
          <h1>{t('alerts.title')}</h1>
          <p className="muted">{t('alerts.subtitle')}</p>
        </div>
      </div>
      <FiredAlertsSection />
      {destinations.error !== null && <ErrorBanner error={destinations.error} onRetry={() => void destinations.reload()} />}
      {!destinations.loading && <RulesSection canEdit={isAdmin} destinations={destinations.data} />}
      {readsDestinations && !destinations.loading && <DestinationsSection canEdit={isAdmin} destinations={destinations.data ?? []} onChanged={() => void destinations.reload()} />}
    </main>
  );
}
