/**
 * Focuses the form field of a dotted issue path, or the nearest enclosing one the form shows
 * (`apps.rules.0` → the rule's first field; `apps` → the section), and marks it for a moment.
 */
export function focusFieldOf(root: HTMLElement, dotted: string): boolean {
  const steps = dotted === '(root)' ? [] : dotted.split('.');
  for (let length = steps.length; length >= 0; length -= 1) {
    const path = length === 0 ? '(root)' : steps.slice(0, length).join('.');
    const holder = [...root.querySelectorAll<HTMLElement>('[data-path]')].find((element) => element.dataset.path === path);
    const control = holder?.querySelector<HTMLElement>('input, select, textarea');
    if (!holder || !control) continue;
    control.scrollIntoView({ block: 'center' });
    control.focus();
    holder.classList.add('pf-field-focused');
    window.setTimeout(() => holder.classList.remove('pf-field-focused'), 2000);
    return true;
  }
  return false;
}
