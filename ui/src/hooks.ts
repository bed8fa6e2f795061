import { useCallback, useEffect, useRef, useState } from 'react';
import { call } from './api';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** GETs `path` (when not undefined), again on `reload()`, and every `pollMs` when given. Stale answers are dropped. */
export function useApi<T>(path: string | undefined, pollMs?: number): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(path !== undefined);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => {
    if (path === undefined) return undefined;
    const mine = ++seq.current;
    const ctl = new AbortController();
    setLoading(true);
    call<T>(path, { signal: ctl.signal })
      .then((d) => {
        if (mine !== seq.current) return;
        setData(d);
        setError(undefined);
      })
      .catch((e: unknown) => {
        if (mine !== seq.current || ctl.signal.aborted) return;
        setError(e);
      })
      .finally(() => {
        if (mine === seq.current) setLoading(false);
      });
    return () => ctl.abort();
  }, [path, tick]);
  useEffect(() => {
    if (pollMs === undefined || path === undefined) return undefined;
    const t = setInterval(() => {
      if (document.visibilityState === 'visible') setTick((x) => x + 1);
    }, pollMs);
    return () => clearInterval(t);
  }, [pollMs, path]);
  return { data, error, loading, reload };
}

/** The location hash as a route: path parts and query parameters. */
export interface Route {
  parts: string[];
  params: URLSearchParams;
}
function currentRoute(): Route {
  const h = window.location.hash.replace(/^#\/?/, '');
  const q = h.indexOf('?');
  const path = q < 0 ? h : h.slice(0, q);
  return { parts: path.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p)), params: new URLSearchParams(q < 0 ? '' : h.slice(q + 1)) };
}
export function useRoute(): Route {
  const [r, setR] = useState(currentRoute);
  useEffect(() => {
    const on = (): void => setR(currentRoute());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return r;
}
export function href(path: string, params?: Record<string, string | undefined>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined && v !== '') u.set(k, v);
  const s = u.toString();
  return `#/${path}${s === '' ? '' : `?${s}`}`;
}
export function navigate(path: string, params?: Record<string, string | undefined>): void {
  window.location.hash = href(path, params);
}
