import { useRef, type KeyboardEvent } from 'react';
import { useTexts } from '../text/texts';
import { TAB_IDS, type TabId } from './tabs';

export function tabElementId(tab: TabId): string {
  return `tab-${tab}`;
}
export function panelElementId(tab: TabId): string {
  return `panel-${tab}`;
}

/**
 * WAI-ARIA tabs: one tab stop for the strip, arrow keys (and Home/End) move between tabs and open
 * them, Tab moves on into the open panel.
 */
export function TabStrip({ current, onSelect }: { current: TabId; onSelect: (tab: TabId) => void }) {
  const { page } = useTexts();
  const buttons = useRef(new Map<TabId, HTMLButtonElement>());

  const move = (event: KeyboardEvent) => {
    const index = TAB_IDS.indexOf(current);
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: TAB_IDS.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const tab = TAB_IDS[(next + TAB_IDS.length) % TAB_IDS.length] ?? current;
    onSelect(tab);
    buttons.current.get(tab)?.focus();
  };

  return (
    <div className="tabs" role="tablist" aria-label={page.tabsLabel} onKeyDown={move}>
      {TAB_IDS.map((tab) => (
        <button
          key={tab}
          ref={(element) => {
            if (element) buttons.current.set(tab, element);
          }}
          type="button"
          role="tab"
          id={tabElementId(tab)}
          aria-controls={panelElementId(tab)}
          aria-selected={tab === current}
          tabIndex={tab === current ? 0 : -1}
          className="tabs__tab"
          onClick={() => onSelect(tab)}
        >
          {page.tabs[tab]}
        </button>
      ))}
    </div>
  );
}
