import { useI18n } from '../../i18n';
import { IdentityMappingSection } from './identity-mapping-section';
import { PasswordRotationSection } from './password-rotation-section';

/** Console-wide settings (admins only). */
export function SettingsPage() {
  const { t } = useI18n();
  return (
    <main className="page page-narrow">
      <div className="page-heading">
        <div>
          <h1>{t('settings.title')}</h1>
          <p className="muted">{t('settings.subtitle')}</p>
        </div>
      </div>
      <PasswordRotationSection />
      <IdentityMappingSection />
    </main>
  );
}
