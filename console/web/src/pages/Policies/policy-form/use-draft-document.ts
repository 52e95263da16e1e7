import { useCallback, useState } from 'react';
import { parseDraftText } from '../draft-json';
import { withValueAt, type DocumentPath } from './document-path';

export type EditorTab = 'form' | 'json';

/** The document as the JSON view shows it. */
export function prettyDocument(document: unknown): string {
  return JSON.stringify(document, null, 2);
}

/** The document being edited, in whichever tab, and the rules for moving between the tabs. */
export interface DraftDocument {
  tab: EditorTab;
  /** The form's document (in the JSON tab: as it was when the tab was opened). */
  document: unknown;
  text: string;
  /** Why the JSON text cannot become the form (it is not JSON). */
  jsonProblem: string | null;
  dirty: boolean;
  /** Takes a document from the console (load, after save). */
  load(document: unknown): void;
  /** Form → JSON always works; JSON → form only when the text is JSON (else `jsonProblem`). */
  switchTab(tab: EditorTab): boolean;
  setAt(path: DocumentPath, value: unknown): void;
  setText(text: string): void;
  /** The document to save: the form's, or the JSON tab's text parsed. */
  current(): { ok: true; document: unknown } | { ok: false; message: string };
}

/** State of the draft editor; the form never parses the document, so the round trip is exact. */
export function useDraftDocument(): DraftDocument {
  const [tab, setTab] = useState<EditorTab>('form');
  const [document, setDocument] = useState<unknown>(null);
  const [text, setTextState] = useState('');
  const [jsonProblem, setJsonProblem] = useState<string | null>(null);
  const [dirty, setDirty] = useState(false);

  const load = useCallback((next: unknown) => {
    setDocument(next);
    setTextState(prettyDocument(next));
    setJsonProblem(null);
    setDirty(false);
  }, []);

  const current = (): ReturnType<DraftDocument['current']> => {
    if (tab === 'form') return { ok: true, document };
    const parsed = parseDraftText(text);
    return parsed.ok ? { ok: true, document: parsed.value } : parsed;
  };

  const switchTab = (next: EditorTab): boolean => {
    if (next === tab) return true;
    if (next === 'json') {
      setTextState(prettyDocument(document));
    } else {
      const parsed = parseDraftText(text);
      if (!parsed.ok) {
        setJsonProblem(parsed.message);
        return false;
      }
      setDocument(parsed.value);
    }
    setJsonProblem(null);
    setTab(next);
    return true;
  };

  return {
    tab,
    document,
    text,
    jsonProblem,
    dirty,
    load,
    switchTab,
    current,
    setAt: (path, value) => {
      setDocument((previous: unknown) => withValueAt(previous, path, value));
      setDirty(true);
    },
    setText: (next) => {
      setTextState(next);
      setJsonProblem(null);
      setDirty(true);
    },
  };
}
