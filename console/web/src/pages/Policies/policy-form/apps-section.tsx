import { appsSection } from '@dlp/shared';
import { useI18n } from '../../../i18n';
import { valueAt } from './document-path';
import { CheckField, LinesField, NumberField, SelectField, TextField } from './fields';
import { usePolicyForm } from './form-context';
import { freshRuleId, RuleList } from './rule-list';
import { FormSection } from './form-section';

const DEFAULTS = appsSection.parse({});

/** Application control: the section's settings and its rules. */
export function AppsSection() {
  const { t } = useI18n();
  const form = usePolicyForm();
  const allowBlock = [
    { value: 'allow', label: t('policy.action.allow') },
    { value: 'block', label: t('policy.action.block') },
  ];
  return (
    <FormSection id="apps" title={t('policy.section.apps')} known={Object.keys(appsSection.shape)}>
      <div className="pf-grid">
        <CheckField path={['apps', 'enabled']} label={t('policy.enabled')} fallback={DEFAULTS.enabled} />
        <SelectField path={['apps', 'defaultAction']} label={t('pf.apps.defaultAction')} fallback={DEFAULTS.defaultAction} options={allowBlock} hint={t('pf.apps.defaultActionHint')} />
        <SelectField
          path={['apps', 'failMode']}
          label={t('policy.failMode')}
          fallback={DEFAULTS.failMode}
          options={[
            { value: 'open', label: t('policy.failMode.open') },
            { value: 'closed', label: t('policy.failMode.closed') },
          ]}
        />
        <NumberField path={['apps', 'decisionTimeoutMs']} label={t('pf.apps.timeout')} fallback={DEFAULTS.decisionTimeoutMs} hint={t('pf.apps.timeoutHint')} />
      </div>
      <LinesField path={['apps', 'trustedPaths']} label={t('policy.trustedPaths')} fallback={DEFAULTS.trustedPaths} hint={t('pf.onePerLine')} />
      <h4>{t('pf.rules')}</h4>
      <p className="muted small">{t('pf.apps.rulesHint')}</p>
      <details className="rules-help">
        <summary>{t('draft.rulesHelp.title')}</summary>
        <ul>
          <li>{t('draft.rulesHelp.sha256')}</li>
          <li>{t('draft.rulesHelp.name')}</li>
          <li>{t('draft.rulesHelp.path')}</li>
        </ul>
      </details>
      <RuleList
        path={['apps', 'rules']}
        addLabel={t('pf.apps.addRule')}
        emptyLabel={t('policy.noRules')}
        newRule={() => ({ id: freshRuleId(form.document, 'app'), action: 'block', kind: 'path', value: '' })}
        renderRule={(rulePath, index) => (
          <>
            <TextField path={[...rulePath, 'id']} label={t('pf.rule.id', { n: index + 1 })} required mono />
            <SelectField path={[...rulePath, 'action']} label={t('policy.col.action')} options={allowBlock} />
            <SelectField
              path={[...rulePath, 'kind']}
              label={t('pf.apps.kind')}
              options={(['path', 'name', 'sha256'] as const).map((kind) => ({ value: kind, label: t(`policy.kind.${kind}`) }))}
            />
            <TextField
              path={[...rulePath, 'value']}
              label={t('pf.apps.value')}
              required
              mono
              wide
              placeholder={t(`pf.apps.placeholder.${kindOf(valueAt(form.document, [...rulePath, 'kind']))}`)}
            />
            <TextField path={[...rulePath, 'description']} label={t('policy.col.description')} wide />
          </>
        )}
      />
    </FormSection>
  );
}

function kindOf(kind: unknown): 'path' | 'name' | 'sha256' {
  return kind === 'name' || kind === 'sha256' ? kind : 'path';
}
