import { useEffect, useState } from 'react';

/**
 * A hash router is enough for a single-page console served with an index.html fallback: routes
 * survive reloads and bookmarks, and the server never sees them.
 */

/** The current route path from `location.hash` (`#/events?x` → `/events`); empty hash → `/`. */
export function currentPath(hash: string = window.location.hash): string {
  const path = hash.replace(/^#/, '').split('?')[0] ?? '';
  return path.startsWith('/') ? path : `/${path}`;
}

/** Re-renders on every hash change and returns the current route path. */
export function useHashPath(): string {
  const [path, setPath] = useState(() => currentPath());
  useEffect(() => {
    const onChange = () => setPath(currentPath());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return path;
}

/** Goes to a route path, e.g. `navigate('/agents')`. */
export function navigate(path: string): void {
  window.location.hash = `#${path}`;
}

/** The href for a route path, for plain links that work with middle-click and keyboard. */
export function hrefFor(path: string): string {
  return `#${path}`;
}
