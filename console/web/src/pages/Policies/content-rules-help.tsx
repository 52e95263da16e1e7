import { useI18n } from '../../i18n';

const EXAMPLE = `"content": {
  "enabled": true,
  "detectors": ["cn-resident-id", "bank-card"],
  "watchedPaths": ["/srv/outbound", "/home/*/Nutstore"],
  "action": "quarantine",
  "minDistinct": 10
}`;

/**
 * What the policy JSON's `content` section means (issue 16 item 5), for the draft editor beside the
 * app-rule help (`rules-help`): detectors, the "≥ N distinct values" threshold, watched folders and
 * actions, with an example. Same look as that help: a closed <details> the writer opens.
 */
export function ContentRulesHelp() {
  const { t } = useI18n();
  return (
    <details className="rules-help" data-testid="content-rules-help">
      <summary>{t('content.help.title')}</summary>
      <p>{t('content.help.intro')}</p>
      <ul>
        <li>{t('content.help.enabled')}</li>
        <li>{t('content.help.detectors')}</li>
        <li>{t('content.help.threshold')}</li>
        <li>{t('content.help.watchedPaths')}</li>
        <li>{t('content.help.action')}</li>
        <li>{t('content.help.events')}</li>
      </ul>
      <pre className="mono">{EXAMPLE}</pre>
    </details>
  );
}
