// Light and dark themes (Fluent's web themes, as the Microsoft admin centers use), remembered per browser; the first
// visit follows the system's preference.
import { webDarkTheme, webLightTheme, type Theme } from '@fluentui/react-components';
import { useCallback, useSyncExternalStore } from 'react';

export type ThemeName = 'light' | 'dark';
const KEY = 'tarmac.theme';
const listeners = new Set<() => void>();

function current(): ThemeName {
  const saved = localStorage.getItem(KEY);
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function themeOf(name: ThemeName): Theme {
  return name === 'dark' ? webDarkTheme : webLightTheme;
}

export function useThemeName(): [ThemeName, (name: ThemeName) => void] {
  const name = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    current,
  );
  const set = useCallback((next: ThemeName) => {
    localStorage.setItem(KEY, next);
    document.documentElement.style.colorScheme = next;
    for (const l of listeners) l();
  }, []);
  return [name, set];
}
