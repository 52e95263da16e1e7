import type { ReactNode } from 'react';
import { useI18n } from '../../../i18n';
import { unknownKeys, valueAt } from './document-path';
import { usePolicyForm } from './form-context';

/**
 * One section of the document as a fieldset. Fields the form has no control for are named, so
 * the author knows they are kept (and the console will judge them), not silently dropped.
 */
export function FormSection({ id, title, known, children }: { id: string; title: string; known: readonly string[]; children: ReactNode }) {
  const { t } = useI18n();
  const form = usePolicyForm();
  const kept = unknownKeys(valueAt(form.document, [id]), known);
  return (
    <fieldset className="pf-section" data-path={id} id={`pf-section-${id}`}>
      <legend>{title}</legend>
      {children}
      {kept.length > 0 && <p className="banner banner-info pf-kept">{t('pf.keptFields', { fields: kept.join(', ') })}</p>}
    </fieldset>
  );
}
