import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/*
 * Shared by the browser tests of the web UI: builds the UI when it is missing or older than its sources, launches
 * Debian's chromium through playwright-core with a fresh profile, and watches a page for what must never happen
 * (a dialog, a request to another host, a Content-Security-Policy violation, an uncaught error).
 */

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CHROMIUM = '/usr/bin/chromium';
/** Where the page screenshots go: a temporary folder, or docs/screenshots with VIGIL_SCREENSHOTS_DIR=docs/screenshots. */
export const SCREENSHOTS = process.env['VIGIL_SCREENSHOTS_DIR'] !== undefined && process.env['VIGIL_SCREENSHOTS_DIR'] !== '' ? join(ROOT, process.env['VIGIL_SCREENSHOTS_DIR']) : join(tmpdir(), 'vigil-ui-screenshots');
mkdirSync(SCREENSHOTS, { recursive: true });
export const VIEWPORT = { width: 1280, height: 800 };

/** Why the browser tests cannot run here, or undefined when they can. */
export function skipReason(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const status = join(ROOT, 'node_modules', '.cache', 'vigil-test-deps', 'status');
  const note = existsSync(status) ? readFileSync(status, 'utf8').trim().slice(0, 300) : '';
  return `${CHROMIUM} is missing (scripts/test-deps.sh installs Debian's chromium)${note === '' ? '' : `: ${note}`}`;
}

function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    t = Math.max(t, st.isDirectory() ? newest(p) : st.mtimeMs);
  }
  return t;
}

/** Runs the vite build when dist/ui is missing or older than ui/ (CI builds it in `npm ci` through `prepare`). */
export function ensureUiBuilt(): void {
  const index = join(ROOT, 'dist', 'ui', 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newest(join(ROOT, 'ui'))) return;
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(ROOT, 'ui', 'vite.config.ts'), '--logLevel', 'warn'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 180_000,
  });
  assert.equal(r.status, 0, `vite build failed: ${r.stderr}${r.stdout}`);
  assert.ok(existsSync(index), 'vite build wrote no dist/ui/index.html');
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launch(profileParent: string[]): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'vigil-ui-chromium-'));
  profileParent.push(profile);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: VIEWPORT,
    timeout: 60_000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return { context, close: () => context.close() };
}

/** What a page did that it must not do; filled as events arrive. */
export interface Watch {
  dialogs: string[];
  foreign: string[];
  cspViolations: string[];
  pageErrors: string[];
}

/** Records dialogs (and dismisses them), requests to any other origin, CSP reports and uncaught errors. */
export function watch(page: Page, base: string): Watch {
  const w: Watch = { dialogs: [], foreign: [], cspViolations: [], pageErrors: [] };
  const origin = new URL(base).origin;
  page.on('dialog', (d) => {
    w.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => undefined);
  });
  page.on('request', (r) => {
    const u = r.url();
    if (u.startsWith('data:') || u.startsWith('blob:')) return;
    if (new URL(u).origin !== origin) w.foreign.push(u);
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) w.cspViolations.push(m.text());
  });
  page.on('pageerror', (e) => w.pageErrors.push(String(e)));
  return w;
}

export async function signIn(page: Page, base: string, token: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor({ timeout: 15_000 });
}

/** An API call as the test's own client (not through the page). */
export async function api(base: string, token: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) }, signal: AbortSignal.timeout(60_000) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    // not JSON
  }
  return { status: res.status, body };
}

export async function ingestText(base: string, token: string, text: string): Promise<number> {
  const r = await api(base, token, '/api/v1/ingest', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: text });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return (r.body as { accepted: number }).accepted;
}

/** Whether an endpoint exists in this server: not 501, and not the 404 for an unknown route. */
export async function exists(base: string, token: string, method: string, path: string, body?: unknown): Promise<boolean> {
  const r = await api(base, token, path, { method, ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}) });
  if (r.status === 501) return false;
  const err = (r.body as { error?: { message?: string } } | undefined)?.error;
  return !(r.status === 404 && typeof err?.message === 'string' && err.message.startsWith('no route'));
}
