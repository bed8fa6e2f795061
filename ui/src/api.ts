/** The API client: every call carries the admin token from sessionStorage as a bearer header (no cookies). */

const KEY = 'vigil.token';
export const API = '/api/v1';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
  }
  /** The endpoint is not in this server (yet): the page shows a "not available" panel instead. */
  get unavailable(): boolean {
    return this.status === 501 || (this.status === 404 && this.code === 'VIGIL_ERR_NOT_FOUND' && this.message.startsWith('no route'));
  }
}

type Listener = () => void;
const listeners = new Set<Listener>();
export function onSignOut(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function getToken(): string | undefined {
  try {
    return sessionStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined;
  }
}
export function setToken(t: string | undefined): void {
  if (t === undefined) sessionStorage.removeItem(KEY);
  else sessionStorage.setItem(KEY, t);
}
export function signOut(): void {
  setToken(undefined);
  for (const l of listeners) l();
}

export function authHeaders(token = getToken()): Record<string, string> {
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

async function errorOf(res: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  const err = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof err?.code === 'string' ? err.code : `HTTP_${res.status}`;
  const message = typeof err?.message === 'string' ? err.message : `${res.status} ${res.statusText}`;
  return new ApiError(res.status, code, message, body);
}

export interface CallOptions {
  method?: string;
  body?: unknown;
  signal?: AbortSignal;
  token?: string;
  text?: boolean;
}

/** Calls the API; JSON in and out. A 401 signs the user out. */
export async function call<T>(path: string, opts: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { ...authHeaders(opts.token ?? getToken()) };
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const url = path.startsWith('/') && !path.startsWith(API) && path !== '/metrics' ? `${API}${path}` : path;
  const init: RequestInit = { method: opts.method ?? 'GET', headers, credentials: 'omit', cache: 'no-store', referrerPolicy: 'no-referrer' };
  if (body !== undefined) init.body = body;
  if (opts.signal) init.signal = opts.signal;
  const res = await fetch(url, init);
  if (!res.ok) {
    const e = await errorOf(res);
    if (res.status === 401 && opts.token === undefined) signOut();
    throw e;
  }
  if (res.status === 204) return undefined as T;
  return (opts.text === true ? await res.text() : await res.json()) as T;
}

export function qs(params: Record<string, string | number | boolean | undefined>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s === '' ? '' : `?${s}`;
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError) return `${e.message} (${e.code})`;
  if (e instanceof Error) return e.message;
  return String(e);
}
