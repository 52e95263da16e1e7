import { usbSection } from '@dlp/shared';
import { useI18n } from '../../../i18n';
import { CheckField, NumberField, SelectField, TextField } from './fields';
import { FormSection } from './form-section';
import { usePolicyForm } from './form-context';
import { freshRuleId, RuleList } from './rule-list';

const DEFAULTS = usbSection.parse({});

/** USB storage: default for unmatched devices and rules matching class, ids, serial or port. */
export function UsbSection() {
  const { t } = useI18n();
  const form = usePolicyForm();
  const actions = (['allow', 'block', 'read-only'] as const).map((action) => ({ value: action, label: t(`policy.action.${action}`) }));
  return (
    <FormSection id="usb" title={t('policy.section.usb')} known={Object.keys(usbSection.shape)}>
      <div className="pf-grid">
        <CheckField path={['usb', 'enabled']} label={t('policy.enabled')} fallback={DEFAULTS.enabled} />
        <SelectField path={['usb', 'defaultAction']} label={t('pf.usb.defaultAction')} fallback={DEFAULTS.defaultAction} options={actions} />
      </div>
      <h4>{t('pf.rules')}</h4>
      <p className="muted small">{t('pf.usb.rulesHint')}</p>
      <RuleList
        path={['usb', 'rules']}
        addLabel={t('pf.usb.addRule')}
        emptyLabel={t('policy.noRules')}
        newRule={() => ({ id: freshRuleId(form.document, 'usb'), action: 'allow', match: {} })}
        renderRule={(rulePath, index) => (
          <>
            <TextField path={[...rulePath, 'id']} label={t('pf.rule.id', { n: index + 1 })} required mono />
            <SelectField path={[...rulePath, 'action']} label={t('policy.col.action')} options={actions} />
            <NumberField path={[...rulePath, 'match', 'interfaceClass']} label={t('pf.usb.interfaceClass')} hint={t('pf.usb.interfaceClassHint')} />
            <TextField path={[...rulePath, 'match', 'vendorId']} label={t('pf.usb.vendorId')} placeholder="0781" mono />
            <TextField path={[...rulePath, 'match', 'productId']} label={t('pf.usb.productId')} placeholder="5581" mono />
            <TextField path={[...rulePath, 'match', 'serial']} label={t('pf.usb.serial')} mono />
            <TextField path={[...rulePath, 'match', 'port']} label={t('pf.usb.port')} placeholder="1-1.2" mono />
            <TextField path={[...rulePath, 'description']} label={t('policy.col.description')} wide />
          </>
        )}
      />
    </FormSection>
  );
}
