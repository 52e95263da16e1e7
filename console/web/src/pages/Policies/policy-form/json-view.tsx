import { forwardRef, useImperativeHandle, useMemo, useRef } from 'react';
import { useI18n } from '../../../i18n';

/** What the editor asks of the JSON view: put the caret on a line and show it. */
export interface JsonViewHandle {
  focusLine(line: number): void;
}

const LINE_HEIGHT_PX = 19;

/**
 * The document as text with line numbers; lines that hold a problem are marked in the gutter
 * (`errorLines`), and `focusLine` selects a line so an issue link lands on it.
 */
export const JsonView = forwardRef<JsonViewHandle, { text: string; errorLines: ReadonlySet<number>; invalid: boolean; readOnly: boolean; onChange(text: string): void }>(function JsonView(
  { text, errorLines, invalid, readOnly, onChange },
  ref,
) {
  const { t } = useI18n();
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const lineCount = useMemo(() => text.split('\n').length, [text]);

  useImperativeHandle(ref, () => ({
    focusLine(line) {
      const element = area.current;
      if (!element) return;
      const lines = element.value.split('\n');
      const start = lines.slice(0, line - 1).reduce((sum, current) => sum + current.length + 1, 0);
      element.focus();
      element.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
      element.scrollTop = Math.max(0, (line - 4) * LINE_HEIGHT_PX);
      if (gutter.current) gutter.current.scrollTop = element.scrollTop;
    },
  }));

  return (
    <div className="pf-json">
      <div ref={gutter} className="pf-json-gutter" aria-hidden="true">
        {Array.from({ length: lineCount }, (_, index) => (
          <div key={index} className={errorLines.has(index + 1) ? 'pf-json-line-error' : undefined} data-line={index + 1}>
            {index + 1}
          </div>
        ))}
      </div>
      <label className="visually-hidden" htmlFor="draft-json">
        {t('draft.jsonLabel')}
      </label>
      <textarea
        ref={area}
        id="draft-json"
        className="pf-json-text"
        spellCheck={false}
        wrap="off"
        value={text}
        readOnly={readOnly}
        aria-invalid={invalid}
        onScroll={(event) => {
          if (gutter.current) gutter.current.scrollTop = event.currentTarget.scrollTop;
        }}
        onChange={(event) => onChange(event.target.value)}
      />
    </div>
  );
});
