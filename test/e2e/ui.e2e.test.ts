import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { killAll, startServe, type Server } from '../support/serve.js';
import { api, ensureUiBuilt, exists, ingestText, launch, SCREENSHOTS, signIn, skipReason, watch, type Browser, type Watch } from './ui-harness.js';

/*
 * The web UI in a real browser (Debian's chromium through playwright-core) against a real `vigil serve` filled with
 * real logs: sign in, the first screen's load time, search and drill down, a 10,000-row result, alert triage, rules,
 * assets, sources. Each page is photographed (1280×800) into a temporary folder, or into docs/screenshots/ with
 * VIGIL_SCREENSHOTS_DIR=docs/screenshots. Triage, asset editing and rule
 * upload are exercised when the server has those endpoints, and otherwise the page must show its "not available"
 * panel instead of failing.
 */

const SKIP = skipReason();
const TOKEN = `ui-${randomBytes(16).toString('hex')}`;
const AUTH_LOG = readFileSync(new URL('../../examples/auth.log', import.meta.url), 'utf8');
const OPENSSH = readFileSync(new URL('../../../shared/data/loghub/OpenSSH/OpenSSH_2k.log', import.meta.url), 'utf8');
const LINUX = readFileSync(new URL('../../../shared/data/loghub/Linux/Linux_2k.log', import.meta.url), 'utf8');

const children = new Set<ChildProcess>();
const dirs: string[] = [];
let server: Server;
let browser: Browser;
let page: Page;
let w: Watch;
const figures: string[] = [];

before(async () => {
  if (SKIP !== undefined) return;
  ensureUiBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'vigil-ui-e2e-'));
  dirs.push(dir);
  server = await startServe({ dataDir: dir, token: TOKEN, cwd: tmpdir(), children });
  for (const text of [AUTH_LOG, OPENSSH, LINUX]) assert.ok((await ingestText(server.base, TOKEN, text)) > 0);
  browser = await launch(dirs);
  page = await browser.context.newPage();
  w = watch(page, server.base);
  mkdirSync(SCREENSHOTS, { recursive: true });
});

after(async () => {
  if (figures.length > 0) process.stdout.write(`# ui figures: ${figures.join('; ')}\n`);
  await browser?.close().catch(() => undefined);
  await killAll(children);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function shot(name: string): Promise<void> {
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** The query parameters of the UI's hash route. */
function paramsOf(u: URL): URLSearchParams {
  const q = u.hash.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : u.hash.slice(q + 1));
}
const hashParams = (): URLSearchParams => paramsOf(new URL(page.url()));

test('the first screen appears in under a second on loopback, and the admin token signs in', { skip: SKIP ?? false, timeout: 120_000 }, async () => {
  // the page's own clock (performance.now() counts from the start of the navigation) read once the heading shows:
  // request, HTML, scripts, render — plus one round trip of the test's probe, so it errs on the slow side
  const times: number[] = [];
  const outside: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await page.goto(`${server.base}/`);
    await page.getByRole('heading', { name: 'Sign in to Vigil' }).waitFor({ timeout: 10_000 });
    times.push(Math.round(await page.evaluate<number>('performance.now()')));
    outside.push(Math.round(performance.now() - t0));
  }
  figures.push(`sign-in screen ${times.join('/')} ms in the page (${outside.join('/')} ms seen by the test)`);
  assert.ok(Math.min(...times) < 1000, `first screen took ${times.join('/')} ms`);
  // the page is served with the security headers
  const res = await fetch(`${server.base}/`, { headers: { accept: 'text/html' } });
  assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'; .*object-src 'none'; base-uri 'none'; .*frame-ancestors 'none'/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
  // the UI takes only its own paths: an Elasticsearch client's GET / and the API answer as before
  const es = await api(server.base, TOKEN, '/');
  assert.equal((es.body as { cluster_name?: string }).cluster_name, 'vigil');
  assert.equal((await fetch(`${server.base}/api/v1/fields`, { headers: { accept: 'text/html' } })).status, 401);
  const fields = (await api(server.base, TOKEN, '/api/v1/fields')).body as { fields: string[] };
  assert.ok(fields.fields.includes('source.ip') && fields.fields.includes('user.name'));
  for (const bad of ['/assets/..%2fpackage.json', '/assets/%2e%2e%2f%2e%2e%2fpackage.json', '/assets/.env']) {
    assert.equal((await fetch(`${server.base}${bad}`)).status, 404, bad);
  }
  await shot('signin');

  await page.getByLabel('Admin token').fill('wrong-token-wrong-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('That token was not accepted.').waitFor();
  const t0 = performance.now();
  await signIn(page, server.base, TOKEN);
  await page.locator('.chart canvas').first().waitFor({ timeout: 15_000 });
  figures.push(`sign-in to overview chart ${Math.round(performance.now() - t0)} ms`);
  // signed in, a reload shows the overview with its data: the analyst's real first screen
  await page.reload();
  await page.locator('.chart canvas').first().waitFor({ timeout: 15_000 });
  await page.getByText('183.62.140.253').first().waitFor();
  const overview = Math.round(await page.evaluate<number>('performance.now()'));
  figures.push(`overview with data after a reload ${overview} ms in the page`);
  assert.ok(overview < 3000, `the overview took ${overview} ms`);
  assert.equal(await page.evaluate('document.cookie'), '', 'no cookie is set');
  assert.equal(await page.evaluate("sessionStorage.getItem('vigil.token')"), TOKEN);
  await page.getByText('SSH brute force', { exact: false }).first().waitFor({ state: 'attached' }).catch(() => undefined);
  await page.getByRole('heading', { name: 'Top alerted source addresses' }).waitFor();
  await page.getByText('183.62.140.253').first().waitFor();
  await shot('overview');
});

test('search: autocompletion, highlighting, histogram zoom, drill-down, filters, stats, saved search, live tail', { skip: SKIP ?? false, timeout: 180_000 }, async () => {
  await page.goto(`${server.base}/#/search`);
  const q = page.getByRole('combobox', { name: 'Query' });
  await q.fill('');
  await q.pressSequentially('source.i');
  await page.getByRole('option', { name: 'source.ip', exact: true }).waitFor();
  await q.press('Tab');
  assert.equal(await q.inputValue(), 'source.ip:');
  await q.pressSequentially('183.62');
  await page.getByRole('option', { name: '183.62.140.253' }).waitFor();
  await q.press('Tab');
  assert.equal(await q.inputValue(), 'source.ip:183.62.140.253');
  assert.equal(await page.locator('.qbar-hl .tk-field').first().textContent(), 'source.ip');
  await q.press('Enter');
  await page.waitForURL((u) => paramsOf(u).get('q') === 'source.ip:183.62.140.253');
  await page.getByText(/^\d+ events/).waitFor();
  const status = (await page.locator('.status-line').textContent()) ?? '';
  const total = Number(/(\d+) events/.exec(status)?.[1]);
  const expected = (await api(server.base, TOKEN, `/api/v1/search?q=${encodeURIComponent('source.ip:183.62.140.253')}&limit=0`)).body as { total: number };
  assert.equal(total, expected.total);
  assert.ok(total > 100);

  // the histogram, and zooming by dragging over it
  const over = page.locator('.search-main .u-over');
  await over.waitFor();
  const box = await over.boundingBox();
  assert.ok(box);
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await page.waitForURL((u) => /^\d{4}-/.test(paramsOf(u).get('from') ?? ''));
  const from = Date.parse(hashParams().get('from') ?? '');
  const to = Date.parse(hashParams().get('to') ?? '');
  assert.ok(to > from, 'the drag selected a time range');

  // drill down: expand an event, add one of its values as a filter
  await page.goto(`${server.base}/#/search?q=${encodeURIComponent('source.ip:183.62.140.253')}`);
  await page.locator('.row-head').first().click();
  await page.locator('.event-detail').waitFor();
  await page.getByRole('button', { name: 'Filter for event.outcome value' }).click();
  await page.waitForURL((u) => paramsOf(u).get('q') === 'source.ip:183.62.140.253 and event.outcome:failure');
  await page.locator('.row-head').first().waitFor();
  await page.locator('.row-head').first().click();
  await page.getByRole('button', { name: 'JSON', exact: true }).click();
  assert.match((await page.locator('pre.json').textContent()) ?? '', /"ip": "183\.62\.140\.253"/);
  // the field sidebar's top values
  await page.getByRole('button', { name: /^user\.name \d+/ }).click();
  await page.getByRole('list', { name: /Top values of user\.name/ }).waitFor();
  await shot('search');

  // an aggregating query: a table and a chart
  await page.goto(`${server.base}/#/search?q=${encodeURIComponent('event.dataset:sshd | stats count() by source.ip | sort -count | head 10')}`);
  await page.locator('table.data tbody tr').nth(9).waitFor();
  assert.equal(await page.locator('table.data tbody tr').count(), 10);
  assert.equal(await page.locator('table.data tbody tr').first().locator('td').first().textContent(), '183.62.140.253');
  await page.getByRole('list', { name: 'Chart of count' }).waitFor();
  await page.goto(`${server.base}/#/search?q=${encodeURIComponent('event.dataset:sshd | timechart span=1h count() by event.outcome')}`);
  await page.locator('.table-view .chart canvas').waitFor();
  await shot('search-timechart');

  // saved searches
  await page.goto(`${server.base}/#/search?q=${encodeURIComponent('event.outcome:failure')}`);
  await page.getByLabel('Name for this search').fill('failed logins');
  await page.getByRole('button', { name: 'Save search' }).click();
  await page.getByText('saved as “failed logins”').waitFor();
  await page.getByRole('option', { name: 'failed logins' }).waitFor({ state: 'attached' });
  const saved = (await api(server.base, TOKEN, '/api/v1/saved-searches')).body as { saved_searches: { name: string; query: string }[] };
  assert.ok(saved.saved_searches.some((s) => s.name === 'failed logins' && s.query === 'event.outcome:failure'));

  // live tail over fetch() streaming with the bearer header
  await page.goto(`${server.base}/#/search?q=${encodeURIComponent('source.ip:198.51.100.77')}`);
  await page.getByRole('button', { name: '▶ Live tail' }).click();
  await page.getByText(/live · 0 events/).waitFor();
  await page.waitForTimeout(300);
  await ingestText(server.base, TOKEN, 'Nov 27 10:00:00 web-01 sshd[77]: Failed password for tailuser from 198.51.100.77 port 4242 ssh2\n');
  await page.locator('.row-head', { hasText: 'tailuser from 198.51.100.77' }).waitFor({ timeout: 15_000 });
  await page.getByRole('button', { name: '■ Stop live tail' }).click();
});

test('a 10,000-event result renders virtualised and scrolls to its last row', { skip: SKIP ?? false, timeout: 180_000 }, async () => {
  const lines = Array.from({ length: 10_000 }, (_, i) => `Nov 25 ${String(10 + Math.floor(i / 3600)).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} bulk-01 CRON[${1000 + i}]: pam_unix(cron:session): session opened for user job${i}(uid=0) by (uid=0)`);
  assert.equal(await ingestText(server.base, TOKEN, `${lines.join('\n')}\n`), 10_000);
  const t0 = performance.now();
  await page.goto(`${server.base}/#/search?q=${encodeURIComponent('host.name:bulk-01')}&limit=10000`);
  await page.getByText(/10000\+? events/).waitFor({ timeout: 60_000 });
  await page.locator('.row-head').first().waitFor();
  const shown = Math.round(performance.now() - t0);
  // the status line tells the server's time and the page's fetch (request, transfer, JSON parse) time
  const line = (await page.locator('.status-line').textContent()) ?? '';
  const serverMs = Number(/server (\d+) ms/.exec(line)?.[1]);
  const fetchMs = Number(/page (\d+) ms/.exec(line)?.[1]);
  // the page stays responsive: a frame comes within a fraction of a second
  const frame = Number(await page.evaluate('new Promise((resolve) => { const s = performance.now(); requestAnimationFrame(() => resolve(performance.now() - s)); })'));
  const rows = await page.locator('.results .row').count();
  assert.ok(rows < 100, `${rows} rows in the DOM for 10,000 events`);
  const scroller = page.locator('.results-scroll');
  const s0 = performance.now();
  await scroller.waitFor();
  await page.evaluate("(() => { const el = document.querySelector('.results-scroll'); el.scrollTo(0, el.scrollHeight); })()");
  await page.locator('.results .row[aria-rowindex="10000"]').waitFor({ timeout: 10_000 });
  const scrolled = Math.round(performance.now() - s0);
  assert.ok(frame < 500, `a frame took ${frame} ms after the render`);
  figures.push(`10,000 rows: shown ${shown} ms after navigation (server query ${serverMs} ms, fetch and parse ${fetchMs} ms), ${rows} rows in the DOM, next frame ${Math.round(frame)} ms, scroll to the last row ${scrolled} ms`);
});

test('alerts: the queue by risk, an alert page, acknowledging and bulk closing', { skip: SKIP ?? false, timeout: 120_000 }, async () => {
  await page.goto(`${server.base}/#/alerts?status=all`);
  const links = page.locator('table.alerts tbody tr td a');
  await links.first().waitFor();
  const risks = (await page.locator('table.alerts tbody tr td.num:nth-of-type(2)').allTextContents()).map(Number);
  assert.deepEqual(risks, [...risks].sort((a, b) => b - a), 'sorted by risk');
  await shot('alerts');
  await links.first().click();
  await page.getByRole('heading', { name: 'Why it matched' }).waitFor();
  await page.getByRole('heading', { name: /Evidence \(\d+ events\)/ }).waitFor();
  await page.locator('.timeline li').first().waitFor();
  await shot('alert');
  const id = decodeURIComponent(new URL(page.url()).hash.replace(/^#\/alerts\//, ''));
  const canTriage = await exists(server.base, TOKEN, 'POST', `/api/v1/alerts/${encodeURIComponent(id)}/status`, { status: 'open' });
  figures.push(`triage ${canTriage ? 'exercised' : 'not in this server: panel checked'}`);
  await page.getByRole('button', { name: 'Acknowledge' }).click();
  if (canTriage) {
    await page.getByText(/1 alert acknowledged/).waitFor();
    const a = (await api(server.base, TOKEN, `/api/v1/alerts/${encodeURIComponent(id)}`)).body as { vigil: { alert: { status: string } } };
    assert.equal(a.vigil.alert.status, 'acknowledged');
    await page.goto(`${server.base}/#/alerts?status=open`);
    await page.locator('table.alerts tbody tr').nth(1).waitFor();
    await page.getByRole('checkbox', { name: /^Select alert/ }).nth(0).check();
    await page.getByRole('checkbox', { name: /^Select alert/ }).nth(1).check();
    await page.getByLabel('Close reason').selectOption('false_positive');
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await page.getByText(/2 alerts closed/).waitFor();
    const closed = (await api(server.base, TOKEN, '/api/v1/alerts?status=closed')).body as { alerts: unknown[] };
    assert.ok(closed.alerts.length >= 2);
  } else {
    await page.getByText('Triage: not available').waitFor();
  }
});

test('rules: list, tests, YAML, upload', { skip: SKIP ?? false, timeout: 120_000 }, async () => {
  await page.goto(`${server.base}/#/rules`);
  await page.getByRole('button', { name: 'SSH authentication failure' }).click();
  await page.getByRole('button', { name: 'Run its tests' }).click();
  await page.getByText('Tests pass').waitFor({ timeout: 30_000 });
  await shot('rules');
  const canUpload = await exists(server.base, TOKEN, 'POST', '/api/v1/rules', { yaml: 'x: [' });
  const yaml = [
    'title: Login by the ui-test account',
    `id: 7e0c4d1a-${randomBytes(2).toString('hex')}-4b6e-9f3a-1c2d3e4f5a6b`,
    'status: experimental',
    'logsource:',
    '  product: linux',
    '  service: sshd',
    'detection:',
    '  selection:',
    '    user.name: uitest',
    '  condition: selection',
    'level: low',
  ].join('\n');
  await page.getByLabel('Rule YAML (Sigma)').fill(yaml);
  figures.push(`rule upload ${canUpload ? 'exercised' : 'not in this server: panel checked'}`);
  await page.getByRole('button', { name: 'Upload' }).click();
  if (canUpload) {
    await page.getByText(/^uploaded: /).waitFor();
    await page.getByRole('button', { name: 'Login by the ui-test account' }).waitFor();
    await page.getByRole('button', { name: 'Run its tests' }).click();
    await page.locator('.test-result').waitFor({ timeout: 30_000 });
  } else {
    await page.getByText(/not available|not yet available/).first().waitFor();
  }
});

test('assets: the inventory is editable', { skip: SKIP ?? false, timeout: 60_000 }, async () => {
  await page.goto(`${server.base}/#/assets`);
  const canEdit = await exists(server.base, TOKEN, 'GET', '/api/v1/assets');
  figures.push(`asset editing ${canEdit ? 'exercised' : 'not in this server: panel checked'}`);
  if (!canEdit) {
    await page.getByText('Asset inventory: not available').waitFor();
    await shot('assets');
    return;
  }
  await page.getByLabel('New asset name').fill('bastion');
  await page.getByLabel('Matches of new asset').fill('bastion, 192.0.2.10');
  await page.getByLabel('Criticality of new asset').selectOption('5');
  await page.getByRole('button', { name: 'Add' }).click();
  await page.getByText('saved bastion').waitFor();
  await page.getByLabel('Criticality of bastion').selectOption('4');
  await page.getByRole('row', { name: /bastion/ }).getByRole('button', { name: 'Save' }).click();
  await page.getByText('saved bastion').waitFor();
  const r = (await api(server.base, TOKEN, '/api/v1/assets')).body as { assets: { name: string; criticality: number }[] };
  assert.equal(r.assets.find((a) => a.name === 'bastion')?.criticality, 4);
  await shot('assets');
});

test('sources and health: rates, parse failures, drops', { skip: SKIP ?? false, timeout: 60_000 }, async () => {
  await page.goto(`${server.base}/#/sources`);
  await page.getByRole('rowheader', { name: 'http_ingest' }).waitFor();
  await page.getByText(/Parse failures: \d+ of \d+ lines/).waitFor();
  await page.getByRole('rowheader', { name: 'sshd' }).waitFor();
  await shot('sources');
});

test('no page opened a dialog, asked another host, broke the Content-Security-Policy or threw', { skip: SKIP ?? false }, () => {
  assert.deepEqual(w.dialogs, []);
  assert.deepEqual(w.foreign, []);
  assert.deepEqual(w.cspViolations, []);
  assert.deepEqual(w.pageErrors, []);
});

