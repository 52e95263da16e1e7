import { useEffect, useMemo, useRef } from 'react';
import type { FieldIssue } from '@dlp/shared';
import { useI18n } from '../../../i18n';
import { issuesByPath } from '../draft-json';
import { AppsSection } from './apps-section';
import { PolicyFormContext, indexIssues, type PolicyFormState } from './form-context';
import { GeneralSection } from './general-section';
import { focusFieldOf } from './focus-field';
import { issueText } from './issue-text';
import { jsonLinesByPath, lineOfPath } from './json-lines';
import { JsonView, type JsonViewHandle } from './json-view';
import { ContentSection, HardeningSection, ScreenSection } from './other-sections';
import type { DraftDocument, EditorTab } from './use-draft-document';
import { UsbSection } from './usb-section';

/**
 * The draft as a form (one fieldset per section) or as JSON with line numbers. Each problem the
 * console reported links to its field in the form, or to its line in the JSON view; after a
 * refused save the first one takes the focus.
 */
export function PolicyEditor({ draft, issues, readOnly }: { draft: DraftDocument; issues: readonly FieldIssue[]; readOnly: boolean }) {
  const { t } = useI18n();
  const formRoot = useRef<HTMLDivElement>(null);
  const jsonView = useRef<JsonViewHandle>(null);
  const lines = useMemo(() => (draft.tab === 'json' ? jsonLinesByPath(draft.text) : new Map<string, number>()), [draft.tab, draft.text]);
  const grouped = issuesByPath(issues);
  const errorLines = new Set(grouped.map((issue) => lineOfPath(lines, issue.path)).filter((line): line is number => line !== null));

  const focusIssue = (dotted: string) => {
    if (draft.tab === 'form') {
      if (formRoot.current) focusFieldOf(formRoot.current, dotted);
      return;
    }
    const line = lineOfPath(jsonLinesByPath(draft.text), dotted);
    if (line !== null) jsonView.current?.focusLine(line);
  };
  // A refused save moves the focus to the first problem, where it can be fixed; only a new set of
  // issues does that, not each keystroke.
  const firstPath = grouped[0]?.path;
  useEffect(() => {
    if (firstPath !== undefined) focusIssue(firstPath);
  }, [issues]);

  const form: PolicyFormState = { document: draft.document, setAt: draft.setAt, issuesAt: indexIssues(issues), readOnly };
  const tabButton = (tab: EditorTab, label: string) => (
    <button type="button" role="tab" id={`pf-tab-${tab}`} aria-selected={draft.tab === tab} aria-controls={`pf-panel-${tab}`} tabIndex={draft.tab === tab ? 0 : -1} className={`pf-tab${draft.tab === tab ? ' pf-tab-active' : ''}`} onClick={() => draft.switchTab(tab)}>
      {label}
    </button>
  );
  return (
    <div className="pf-editor">
      <div
        role="tablist"
        aria-label={t('pf.tabs')}
        className="pf-tabs"
        onKeyDown={(event) => {
          // Arrow keys move between the two tabs, as in any tab list.
          if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
          const next: EditorTab = draft.tab === 'form' ? 'json' : 'form';
          if (draft.switchTab(next)) document.getElementById(`pf-tab-${next}`)?.focus();
        }}
      >
        {tabButton('form', t('pf.tab.form'))}
        {tabButton('json', t('pf.tab.json'))}
      </div>
      {grouped.length > 0 && (
        <div className="banner banner-error issue-banner" role="alert" data-testid="draft-issues">
          <p>{t('draft.invalid')}</p>
          <ul className="issue-list">
            {grouped.map((issue) => (
              <li key={issue.path}>
                <button type="button" className="pf-issue-link" onClick={() => focusIssue(issue.path)}>
                  <code className="issue-path">{issue.path}</code>
                  {draft.tab === 'json' && lineOfPath(lines, issue.path) !== null && <span className="muted"> {t('pf.line', { line: lineOfPath(lines, issue.path) ?? 0 })}</span>}
                </button>{' '}
                <span>{issues.filter((one) => one.path === issue.path).map((one) => issueText(one, t)).join('; ')}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {draft.jsonProblem && (
        <div className="banner banner-error" role="alert">
          {t('pf.notJsonStay', { message: draft.jsonProblem })}
        </div>
      )}
      {draft.tab === 'form' ? (
        <div ref={formRoot} role="tabpanel" id="pf-panel-form" aria-labelledby="pf-tab-form" className="pf-form">
          <PolicyFormContext.Provider value={form}>
            <GeneralSection />
            <AppsSection />
            <UsbSection />
            <ScreenSection />
            <ContentSection />
            <HardeningSection />
          </PolicyFormContext.Provider>
        </div>
      ) : (
        <div role="tabpanel" id="pf-panel-json" aria-labelledby="pf-tab-json">
          <JsonView ref={jsonView} text={draft.text} errorLines={errorLines} invalid={draft.jsonProblem !== null || grouped.length > 0} readOnly={readOnly} onChange={draft.setText} />
        </div>
      )}
    </div>
  );
}
