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

/** The query part of `location.hash` (`#/agents?condition=fail-open` → condition=fail-open). */
export function currentParams(hash: string = window.location.hash): URLSearchParams {
  const at = hash.indexOf('?');
  return new URLSearchParams(at < 0 ? '' : hash.slice(at + 1));
}

/**
 * The page's filters as they stand in the address (`#/agents?os=linux`), re-read on every hash
 * change: a reload, a bookmark or a link sent to a colleague opens the same filtered view.
 */
export function useHashParams(): URLSearchParams {
  const [params, setParams] = useState(() => currentParams());
  useEffect(() => {
    const onChange = () => setParams(currentParams());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return params;
}

/** The href of a route path with filters; empty values are left out. */
export function hrefWithParams(path: string, params: Readonly<Record<string, string | undefined>>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') query.set(key, value);
  const text = query.toString();
  return `#${path}${text === '' ? '' : `?${text}`}`;
}

/** Puts filters in the address without a new history entry per keystroke (a change of filters fires hashchange). */
export function replaceParams(path: string, params: Readonly<Record<string, string | undefined>>): void {
  const href = hrefWithParams(path, params);
  if (href === window.location.hash) return;
  window.history.replaceState(null, '', href);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

/**
 * Puts filters in the address as a new history entry (a search applied: Back returns to the one
 * before) and tells the page, which re-reads them.
 */
export function pushParams(path: string, params: Readonly<Record<string, string | undefined>>): void {
  const href = hrefWithParams(path, params);
  if (href === window.location.hash) return;
  window.history.pushState(null, '', href);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}
