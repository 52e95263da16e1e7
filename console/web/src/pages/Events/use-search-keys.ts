import { useEffect, useRef } from 'react';

/** Inputs whose keys are not commands: a `j` typed into the note or the host filter is text. */
const COMMAND_INPUT_TYPES = new Set(['checkbox', 'radio', 'button', 'submit', 'reset']);

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !COMMAND_INPUT_TYPES.has(target.type);
}

export interface SearchKeyHandlers {
  /** j (+1) and k (−1): the next or previous event of the list. */
  move(step: 1 | -1): void;
  /** x: tick or untick the current event for bulk triage. */
  toggle(): void;
}

/**
 * The list's keys, wherever focus is on the page except in a text field. Enter (open) and Escape
 * (close) belong to the row and the drawer themselves.
 */
export function useSearchKeys(handlers: SearchKeyHandlers): void {
  const current = useRef(handlers);
  current.current = handlers;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      if (event.key === 'j' || event.key === 'k') {
        event.preventDefault();
        current.current.move(event.key === 'j' ? 1 : -1);
      } else if (event.key === 'x') {
        event.preventDefault();
        current.current.toggle();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}
