import type { ReactNode } from 'react';
import { useI18n } from '../../../i18n';
import { dottedPath, valueAt, type DocumentPath } from './document-path';
import { usePolicyForm } from './form-context';

/**
 * A section's ordered rules (first match wins): each rule as a row of fields with move and remove
 * buttons, and an add button. Rules are written back whole, so a rule's unknown fields stay.
 */
export function RuleList({ path, renderRule, newRule, addLabel, emptyLabel }: { path: DocumentPath; renderRule(rulePath: DocumentPath, index: number): ReactNode; newRule(existing: readonly unknown[]): unknown; addLabel: string; emptyLabel: string }) {
  const { t } = useI18n();
  const form = usePolicyForm();
  const value = valueAt(form.document, path);
  const rules: unknown[] = Array.isArray(value) ? value : [];
  const move = (from: number, to: number) => {
    const next = [...rules];
    const [rule] = next.splice(from, 1);
    next.splice(to, 0, rule);
    form.setAt(path, next);
  };
  return (
    <div className="pf-rules" data-path={dottedPath(path)}>
      {rules.length === 0 && <p className="muted small">{emptyLabel}</p>}
      <ol className="pf-rule-list">
        {rules.map((_, index) => (
          <li key={index} className="pf-rule" data-path={dottedPath([...path, index])}>
            <div className="pf-rule-fields">{renderRule([...path, index], index)}</div>
            {!form.readOnly && (
              <div className="pf-rule-actions">
                <button type="button" className="button button-small" aria-label={t('pf.rule.up', { n: index + 1 })} disabled={index === 0} onClick={() => move(index, index - 1)}>
                  ↑
                </button>
                <button type="button" className="button button-small" aria-label={t('pf.rule.down', { n: index + 1 })} disabled={index === rules.length - 1} onClick={() => move(index, index + 1)}>
                  ↓
                </button>
                <button type="button" className="button button-small button-danger" onClick={() => form.setAt(path, rules.filter((__, at) => at !== index))}>
                  {t('pf.rule.remove', { n: index + 1 })}
                </button>
              </div>
            )}
          </li>
        ))}
      </ol>
      {!form.readOnly && (
        <button type="button" className="button button-small" onClick={() => form.setAt(path, [...rules, newRule(rules)])}>
          {addLabel}
        </button>
      )}
    </div>
  );
}

/** An id not used by any rule of the document, for a new rule (`block-3`). */
export function freshRuleId(document: unknown, stem: string): string {
  const taken = new Set<string>();
  for (const section of ['apps', 'usb']) {
    const rules = valueAt(document, [section, 'rules']);
    if (Array.isArray(rules)) for (const rule of rules) if (typeof valueAt(rule, ['id']) === 'string') taken.add(valueAt(rule, ['id']) as string);
  }
  for (let n = 1; ; n += 1) if (!taken.has(`${stem}-${n}`)) return `${stem}-${n}`;
}
