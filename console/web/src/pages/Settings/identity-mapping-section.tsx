import { useEffect, useState, type FormEvent } from 'react';
import { identityMappingSettings, mapReportedUser, type IdentityMappingRule, type IdentityMappingSettings } from '@dlp/shared';
import { useApi } from '../../api';
import { ErrorBanner } from '../../components/error-banner';
import { FormProblems } from '../../components/form-problems';
import { useAction } from '../../hooks/use-action';
import { useLoader } from '../../hooks/use-loader';
import { useI18n } from '../../i18n';

/** Rules the form holds; an empty pair is a row the admin has not filled yet (dropped on save). */
type DraftRule = IdentityMappingRule;

/**
 * Identity mapping (separation of duties): how a workstation user an agent reports (`CORP\olga`,
 * `olga@corp.example`) maps to a console account, so nobody decides their own exception request.
 * Rules are tried in order; without a match the domain is stripped (unless switched off). A test
 * field shows, with the same code the console runs, which account a name maps to.
 */
export function IdentityMappingSection() {
  const { t } = useI18n();
  const api = useApi();
  const loaded = useLoader(() => api.settings.getIdentityMapping(), 'identity mapping');
  const save = useAction();
  const [rules, setRules] = useState<DraftRule[]>([]);
  const [stripDomain, setStripDomain] = useState(true);
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [sample, setSample] = useState('CORP\\olga');

  useEffect(() => {
    if (!loaded.data) return;
    setRules(loaded.data.rules);
    setStripDomain(loaded.data.stripDomain);
  }, [loaded.data]);

  const filled = rules.filter((rule) => rule.pattern !== '' || rule.account !== '');
  const parsed = identityMappingSettings.safeParse({ rules: filled, stripDomain });
  const preview = parsed.success && sample.trim() !== '' ? mapReportedUser(sample, parsed.data) : null;

  const setRule = (index: number, change: Partial<DraftRule>) => setRules((all) => all.map((rule, i) => (i === index ? { ...rule, ...change } : rule)));

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const row = typeof issue?.path[1] === 'number' ? issue.path[1] + 1 : 1;
      return setProblem(t('settings.identity.invalid', { row }));
    }
    setProblem(null);
    const mapping: IdentityMappingSettings = parsed.data;
    if (await save.run(async () => setRules((await api.settings.updateIdentityMapping(mapping)).rules))) setSaved(true);
  };

  return (
    <section className="card" aria-labelledby="identity-title">
      <h2 id="identity-title">{t('settings.identity.title')}</h2>
      <p className="muted small">{t('settings.identity.intro')}</p>
      {loaded.error !== null && <ErrorBanner error={loaded.error} onRetry={() => void loaded.reload()} />}
      <FormProblems problem={problem} error={save.error} />
      {saved && (
        <p className="banner banner-success" role="status">
          {t('settings.identity.saved')}
        </p>
      )}
      {loaded.loading ? (
        <p className="muted" role="status">
          {t('app.loading')}
        </p>
      ) : (
        <form onSubmit={(event) => void submit(event)} noValidate>
          <p className="muted small">{t('settings.identity.patternHint')}</p>
          {rules.map((rule, index) => (
            <div className="field-row" key={index} data-testid="identity-rule">
              <label className="field field-grow">
                <span>{t('settings.identity.pattern', { row: index + 1 })}</span>
                <input name={`identity-pattern-${index}`} value={rule.pattern} maxLength={200} onChange={(e) => setRule(index, { pattern: e.target.value })} />
              </label>
              <label className="field">
                <span>{t('settings.identity.account', { row: index + 1 })}</span>
                <input name={`identity-account-${index}`} value={rule.account} maxLength={64} onChange={(e) => setRule(index, { account: e.target.value })} />
              </label>
              <button type="button" className="button button-small field-row-action" onClick={() => setRules((all) => all.filter((_, i) => i !== index))}>
                {t('settings.identity.remove', { row: index + 1 })}
              </button>
            </div>
          ))}
          <div className="form-actions form-actions-start">
            <button type="button" className="button button-small" onClick={() => setRules((all) => [...all, { pattern: '', account: '{user}' }])}>
              {t('settings.identity.add')}
            </button>
          </div>
          <label className="checkbox-field">
            <input type="checkbox" name="identity-strip-domain" checked={stripDomain} onChange={(e) => setStripDomain(e.target.checked)} />
            <span>{t('settings.identity.stripDomain')}</span>
          </label>
          <label className="field">
            <span>{t('settings.identity.try')}</span>
            <input name="identity-sample" value={sample} maxLength={256} onChange={(e) => setSample(e.target.value)} />
            <span className="muted small" data-testid="identity-preview">
              {preview === null ? t('settings.identity.mapsToNone') : t('settings.identity.mapsTo', { account: preview })}
            </span>
          </label>
          <div className="form-actions form-actions-start">
            <button type="submit" className="button button-primary" disabled={save.running}>
              {save.running ? t('common.working') : t('settings.identity.save')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
