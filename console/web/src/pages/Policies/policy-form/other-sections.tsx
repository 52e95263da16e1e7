import { contentSection, hardeningSection, piiDetector, screenSection } from '@dlp/shared';
import { useI18n } from '../../../i18n';
import { valueAt } from './document-path';
import { CheckField, LinesField, NumberField, SelectField, TextField } from './fields';
import { usePolicyForm } from './form-context';
import { FormSection } from './form-section';
import { ContentRulesHelp } from '../content-rules-help';

/** Screen capture: the capture-tool catalogue and the tray's watermark. */
export function ScreenSection() {
  const { t } = useI18n();
  return (
    <FormSection id="screen" title={t('policy.section.screen')} known={Object.keys(screenSection.shape)}>
      <CheckField path={['screen', 'blockCaptureTools']} label={t('policy.captureTools')} fallback={false} />
      <CheckField path={['screen', 'watermark', 'enabled']} label={t('policy.watermark')} fallback={false} />
      <div className="pf-grid">
        <TextField path={['screen', 'watermark', 'text']} label={t('pf.screen.watermarkText')} placeholder={t('pf.screen.watermarkPlaceholder')} />
        <NumberField path={['screen', 'watermark', 'opacity']} label={t('pf.screen.opacity')} hint={t('pf.screen.opacityHint')} step={0.01} />
      </div>
    </FormSection>
  );
}

/** Content inspection: which detectors, where, and what happens to findings. */
export function ContentSection() {
  const { t } = useI18n();
  const form = usePolicyForm();
  const chosen = valueAt(form.document, ['content', 'detectors']);
  const detectors: unknown[] = Array.isArray(chosen) ? chosen : [];
  const toggle = (detector: string, on: boolean) =>
    form.setAt(['content', 'detectors'], on ? [...detectors, detector] : detectors.filter((value) => value !== detector));
  return (
    <FormSection id="content" title={t('policy.section.content')} known={Object.keys(contentSection.shape)}>
      <div className="pf-grid">
        <CheckField path={['content', 'enabled']} label={t('policy.enabled')} fallback={false} />
        <SelectField
          path={['content', 'action']}
          label={t('policy.col.action')}
          fallback="report"
          options={[
            { value: 'report', label: t('policy.contentAction.report') },
            { value: 'quarantine', label: t('policy.contentAction.quarantine') },
          ]}
        />
        <NumberField path={['content', 'minDistinct']} label={t('pf.content.minDistinct')} hint={t('pf.content.minDistinctHint')} />
      </div>
      <fieldset className="pf-choices" data-path="content.detectors">
        <legend>{t('policy.detectors')}</legend>
        {piiDetector.options.map((detector) => (
          <label key={detector} className="pf-choice">
            <input type="checkbox" checked={detectors.includes(detector)} disabled={form.readOnly} onChange={(event) => toggle(detector, event.target.checked)} /> {t(`detector.${detector}`)}
          </label>
        ))}
      </fieldset>
      <LinesField path={['content', 'watchedPaths']} label={t('policy.watchedPaths')} hint={t('pf.onePerLine')} />
      <div className="pf-grid">
        <CheckField path={['content', 'removableMedia', 'enabled']} label={t('pf.content.removable')} fallback={false} />
        <SelectField
          path={['content', 'removableMedia', 'action']}
          label={t('pf.content.removableAction')}
          fallback="report"
          options={(['report', 'quarantine', 'delete'] as const).map((value) => ({ value, label: t(`pf.content.removable.${value}`) }))}
        />
      </div>
      <ContentRulesHelp />
    </FormSection>
  );
}

/** Host hardening switches (optional section: absent until one is set). */
export function HardeningSection() {
  const { t } = useI18n();
  return (
    <FormSection id="hardening" title={t('pf.hardening.title')} known={Object.keys(hardeningSection.shape)}>
      <p className="muted small">{t('pf.hardening.intro')}</p>
      {(['restrictUserNamespaces', 'memfdNoexec', 'fuseSysAdminAccess'] as const).map((name) => (
        <CheckField key={name} path={['hardening', name]} label={t(`pf.hardening.${name}`)} fallback={false} />
      ))}
    </FormSection>
  );
}
