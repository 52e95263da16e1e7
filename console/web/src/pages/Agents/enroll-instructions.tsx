import { useI18n } from '../../i18n';

/**
 * The empty state of the agents page: how an admin gets the first workstation to show up. The config
 * snippet uses this console's own address so it can be copied as is (wss when served over https).
 */
export function EnrollInstructions() {
  const { t } = useI18n();
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const snippet = JSON.stringify(
    { consoleUrl: `${scheme}://${window.location.host}/agent`, enrollSecret: '<enroll secret>', dataDir: '/var/lib/dlp-agent' },
    null,
    2,
  );
  return (
    <section className="empty-state" aria-labelledby="enroll-title">
      <h2 id="enroll-title">{t('agents.empty.title')}</h2>
      <p>{t('agents.empty.intro')}</p>
      <ol>
        <li>{t('agents.empty.step1')}</li>
        <li>
          {t('agents.empty.step2')}
          <pre className="code-block">{snippet}</pre>
        </li>
        <li>{t('agents.empty.step3')}</li>
      </ol>
    </section>
  );
}
