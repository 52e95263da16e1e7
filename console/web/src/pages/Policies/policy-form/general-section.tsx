import { useI18n } from '../../../i18n';
import { unknownKeys, valueAt } from './document-path';
import { SelectField, TextField } from './fields';
import { usePolicyForm } from './form-context';

/** The document's top-level keys that have a section or field in the form. */
const KNOWN_TOP_LEVEL = ['schema', 'name', 'description', 'mode', 'apps', 'usb', 'screen', 'content', 'hardening', 'notice'];
const KNOWN_NOTICE = ['message', 'helpUrl'];

/** Name, description, mode, and the notice the tray shows with every block. */
export function GeneralSection() {
  const { t } = useI18n();
  const form = usePolicyForm();
  const kept = [...unknownKeys(form.document, KNOWN_TOP_LEVEL), ...unknownKeys(valueAt(form.document, ['notice']), KNOWN_NOTICE).map((key) => `notice.${key}`)];
  return (
    <fieldset className="pf-section" data-path="(root)" id="pf-section-general">
      <legend>{t('pf.general.title')}</legend>
      <div className="pf-grid">
        <TextField path={['name']} label={t('pf.general.name')} required />
        <SelectField
          path={['mode']}
          label={t('policies.col.mode')}
          hint={t('pf.general.modeHint')}
          options={[
            { value: 'monitor', label: t('policies.mode.monitor') },
            { value: 'enforce', label: t('policies.mode.enforce') },
          ]}
        />
      </div>
      <TextField path={['description']} label={t('policy.col.description')} />
      <div className="pf-grid">
        <TextField path={['notice', 'message']} label={t('pf.notice.message')} hint={t('pf.notice.messageHint')} />
        <TextField path={['notice', 'helpUrl']} label={t('pf.notice.helpUrl')} placeholder="https://it.example.cn/dlp" mono />
      </div>
      {kept.length > 0 && <p className="banner banner-info pf-kept">{t('pf.keptFields', { fields: kept.join(', ') })}</p>}
    </fieldset>
  );
}
