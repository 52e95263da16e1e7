/** The main window's sections, in the order the tab strip shows them. */
export const TAB_IDS = ['status', 'blocks', 'request', 'requests', 'unlock'] as const;
export type TabId = (typeof TAB_IDS)[number];

/** `#blocks` → 'blocks'; anything that names no tab → null. */
export function tabFromHash(hash: string): TabId | null {
  const id = hash.replace(/^#/, '');
  return (TAB_IDS as readonly string[]).includes(id) ? (id as TabId) : null;
}
