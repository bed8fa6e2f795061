import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { killAll, startServe, type Server } from '../support/serve.js';
import { api, ensureUiBuilt, exists, ingestText, launch, ROOT, SCREENSHOTS, signIn, skipReason, watch, type Browser, type Watch } from './ui-harness.js';

/*
 * Every value the UI shows comes from log lines an attacker may write. Events carrying <script>, <img onerror>,
 * <svg onload>, javascript: URLs, template and style breakouts, terminal escape sequences and bidi overrides — in
 * every field, in a field name, in the syslog host and user of lines that raise an alert, in a saved search's name —
 * are viewed in every page (expanded, as JSON, in the field sidebar, in tables and chart legends). Nothing may run
 * (the payloads set a global, which must stay undefined), no dialog may open, no request may leave for another
 * host, and escape sequences must show as visible text (\x1b), not act.
 */

const SKIP = skipReason();
const TOKEN = `inj-${randomBytes(16).toString('hex')}`;
const FLAG = '__vigilPwned';
const EVIL = 'http://evil.example';
const PAYLOADS = [
  `<script>window.${FLAG}=1</script>`,
  `<img src=${EVIL}/i.png onerror="window.${FLAG}=2;alert(2)">`,
  `javascript:window.${FLAG}=3;alert(3)`,
  `<svg/onload=window.${FLAG}=4>`,
  `"><iframe src=${EVIL}/f srcdoc="<script>parent.${FLAG}=5</script>">`,
  `{{constructor.constructor('window.${FLAG}=6')()}}`,
  `</style><style>*{background:url(${EVIL}/css)}</style>`,
  `\x1b[31mRED\x1b[0m\x1b]8;;${EVIL}/osc\x07click\x1b]8;;\x07\x1b[2J\x1b[H`,
  `safe\u202etxt.exe\u0000\u0007\u009b`,
];
const ALL = PAYLOADS.join(' ');

const children = new Set<ChildProcess>();
const dirs: string[] = [];
let server: Server;
let browser: Browser;
let page: Page;
let w: Watch;

function hostileEvent(i: number): Record<string, unknown> {
  const p = PAYLOADS[i % PAYLOADS.length] as string;
  return {
    '@timestamp': new Date(Date.now() - i * 60_000).toISOString(),
    message: `${p} ${ALL}`,
    event: { original: ALL, dataset: p.slice(0, 60), action: p, category: ['authentication'], outcome: 'failure', reason: p },
    user: { name: p, full_name: ALL },
    host: { name: p.slice(0, 50), hostname: p },
    source: { ip: `203.0.113.${10 + i}`, domain: p },
    url: { original: `javascript:window.${FLAG}=7`, full: `${EVIL}/${encodeURIComponent(p)}` },
    http: { request: { referrer: `javascript:alert(8)` } },
    process: { name: p, command_line: ALL },
    file: { path: p },
    tags: PAYLOADS,
    labels: { [p.slice(0, 40)]: p },
    [`<img src=${EVIL}/k.png onerror=window.${FLAG}=9>`]: p,
  };
}

before(async () => {
  if (SKIP !== undefined) return;
  ensureUiBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'vigil-ui-inj-'));
  dirs.push(dir);
  server = await startServe({ dataDir: dir, token: TOKEN, cwd: tmpdir(), children });
  const nd = Array.from({ length: 18 }, (_, i) => JSON.stringify(hostileEvent(i))).join('\n');
  const r = await api(server.base, TOKEN, '/api/v1/ingest', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: `${nd}\n` });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  // raw lines: a hostile syslog host and sshd user (no spaces, so the parsers keep them) that raise a brute-force
  // alert whose evidence and entities carry the payloads, plus lines no parser reads
  const user = `<svg/onload=window.${FLAG}=10>`;
  const host = `<img/src=//evil.example/h.png/onerror=window.${FLAG}=11>`;
  const lines = Array.from({ length: 12 }, (_, i) => `Nov 27 09:00:${String(10 + i * 3).padStart(2, '0')} ${host} sshd[${500 + i}]: Failed password for invalid user ${user} from 198.51.100.66 port ${40000 + i} ssh2`);
  lines.push(...PAYLOADS.map((p) => p.replace(/\n/g, ' ')));
  await ingestText(server.base, TOKEN, `${lines.join('\n')}\n`);
  const saved = await api(server.base, TOKEN, '/api/v1/saved-searches', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: PAYLOADS[1], query: 'message:"script"' }) });
  assert.equal(saved.status, 201, JSON.stringify(saved.body));
  if (await exists(server.base, TOKEN, 'GET', '/api/v1/assets')) {
    await api(server.base, TOKEN, `/api/v1/assets/${encodeURIComponent('evil-host')}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'evil-host', kind: 'host', match: [host], criticality: 5, owner: PAYLOADS[0], environment: PAYLOADS[3], tags: PAYLOADS.slice(0, 3) }),
    });
  }
  if (await exists(server.base, TOKEN, 'POST', '/api/v1/rules', { yaml: 'x: [' })) {
    const yaml = [`title: ${JSON.stringify(PAYLOADS[0])}`, `id: 5d1c0b9e-${randomBytes(2).toString('hex')}-4a7f-8e21-3b4c5d6e7f80`, `description: ${JSON.stringify(ALL)}`, 'status: experimental', 'logsource:', '  product: linux', '  service: sshd', 'detection:', '  selection:', `    user.name: ${JSON.stringify(user)}`, '  condition: selection', 'level: high', `tags: [${JSON.stringify(PAYLOADS[2])}]`].join('\n');
    const up = await api(server.base, TOKEN, '/api/v1/rules', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ yaml }) });
    assert.ok(up.status === 201 || up.status === 400, JSON.stringify(up.body));
    process.stdout.write(`# injection: hostile rule upload answered ${up.status}\n`);
  }
  const alerts = (await api(server.base, TOKEN, '/api/v1/alerts')).body as { alerts?: { id: string }[] };
  const first = alerts.alerts?.[0];
  if (first && (await exists(server.base, TOKEN, 'POST', `/api/v1/alerts/${encodeURIComponent(first.id)}/comments`, { text: ALL }))) {
    await api(server.base, TOKEN, `/api/v1/alerts/${encodeURIComponent(first.id)}/status`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 'acknowledged', comment: PAYLOADS[1] }) });
  }
  browser = await launch(dirs);
  page = await browser.context.newPage();
  w = watch(page, server.base);
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await killAll(children);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function assertInert(where: string): Promise<void> {
  await page.waitForTimeout(400);
  assert.equal(await page.evaluate(`typeof window.${FLAG}`), 'undefined', `a payload ran on ${where}`);
  assert.deepEqual(w.dialogs, [], `a dialog opened on ${where}`);
  assert.deepEqual(w.foreign, [], `a request left for another host on ${where}`);
  assert.deepEqual(w.pageErrors, [], `the page threw on ${where}`);
  assert.equal(await page.locator('iframe, object, embed, img[src*="evil"], script:not([src^="/assets/"])').count(), 0, `an element from event data on ${where}`);
  const hrefs = await page.evaluate<string[]>("Array.from(document.querySelectorAll('a[href]'), (a) => a.getAttribute('href') ?? '')");
  for (const h of hrefs) assert.ok(h.startsWith('#/') || h === '#main', `a link to ${h} on ${where}`);
}

test('hostile events are shown as text in every page: nothing runs, nothing opens, nothing leaves', { skip: SKIP ?? false, timeout: 240_000 }, async () => {
  await signIn(page, server.base, TOKEN);
  await page.getByRole('heading', { name: 'Top alerted source addresses' }).waitFor();
  await assertInert('the overview');

  const texts: string[] = [];
  for (const q of ['*', 'event.dataset:sshd', 'tags:*']) {
    await page.goto(`${server.base}/#/search?q=${encodeURIComponent(q)}`);
    await page.locator('.row-head').first().waitFor();
    const n = Math.min(await page.locator('.row-head').count(), 10);
    // each event expanded (fields), then as JSON, then folded again
    for (let i = 0; i < n; i++) {
      const row = page.locator(`.results .row[data-index="${i}"]`);
      await row.locator('.row-head').click();
      texts.push((await row.textContent()) ?? '');
      await row.getByRole('button', { name: 'JSON', exact: true }).click();
      texts.push((await row.locator('pre.json').textContent()) ?? '');
      await row.locator('.row-head').click();
    }
    await assertInert(`search ${q}, expanded events`);
  }
  // the payloads are on the page as text, escape sequences made visible
  const text = texts.join('\n');
  assert.ok(text.includes(`<script>window.${FLAG}=1</script>`), 'the script tag is shown as text');
  assert.ok(text.includes('\\x1b[31mRED'), 'the terminal escape is shown as \\x1b');
  assert.ok(!text.includes('\x1b'), 'no raw escape character reaches the page');
  assert.ok(text.includes('\\u202e'), 'the bidi override is shown as \\u202e');
  assert.ok(text.includes('\\u001b[31mRED'), 'escapes visible in JSON');
  await page.locator('.results .row[data-index="0"] .row-head').click();
  await page.screenshot({ path: join(SCREENSHOTS, 'injection-search.png') });
  // the field sidebar: open every field's top values
  for (const f of (await page.locator('.field-btn').all()).slice(0, 40)) await f.click();
  await assertInert('the field sidebar');
  // a filter from a hostile value goes into the query as a quoted literal and runs as a search
  await page.locator('.row-head').first().click().catch(() => undefined);

  for (const q of ['* | stats count() by user.name', '* | stats count() by host.name, event.dataset', '* | timechart span=1h count() by event.dataset', '* | top 10 process.name', '* | fields message, url.original, tags']) {
    await page.goto(`${server.base}/#/search?q=${encodeURIComponent(q)}`);
    await page.locator('table.data tbody tr').first().waitFor();
    await assertInert(`search ${q}`);
  }
  // the query bar highlighting a hostile query, and its completions
  await page.goto(`${server.base}/#/search?q=${encodeURIComponent(`message:"${PAYLOADS[0] ?? ''}" or user.name:"${PAYLOADS[1]?.replace(/"/g, '\\"') ?? ''}"`)}`);
  await page.locator('.qbar-hl .tk').first().waitFor();
  const q = page.getByRole('combobox', { name: 'Query' });
  await q.fill('user.name:');
  await page.waitForTimeout(600);
  await assertInert('the query bar');

  await page.goto(`${server.base}/#/alerts?status=all`);
  await page.locator('table.alerts tbody tr td a').first().waitFor();
  await assertInert('the alert queue');
  await page.locator('table.alerts tbody tr td a').first().click();
  await page.getByRole('heading', { name: 'Why it matched' }).waitFor();
  for (const b of (await page.locator('.alert-page .row-head').all()).slice(0, 12)) await b.click();
  for (const b of (await page.getByRole('group', { name: 'Entity' }).getByRole('button').all()).slice(0, 6)) await b.click();
  await assertInert('an alert page');
  assert.ok(((await page.locator('main').textContent()) ?? '').includes(`<svg/onload=window.${FLAG}=10>`), 'the hostile user is shown as text');
  await page.screenshot({ path: join(SCREENSHOTS, 'injection-alert.png') });

  await page.goto(`${server.base}/#/rules`);
  await page.locator('.rules-table tbody tr').first().waitFor();
  await assertInert('rules');
  const hostileRule = page.locator('.rules-table').getByRole('button', { name: PAYLOADS[0] ?? '', exact: true });
  if ((await hostileRule.count()) > 0) {
    await hostileRule.click();
    await page.getByRole('heading', { name: 'YAML' }).waitFor();
    await page.locator('pre.yaml').waitFor();
    await page.getByRole('button', { name: 'Run its tests' }).click();
    await page.locator('.test-result, .panel.error').first().waitFor({ timeout: 30_000 });
    await assertInert('a hostile rule');
    process.stdout.write('# injection: the hostile rule page and its tests were viewed\n');
  }
  await page.goto(`${server.base}/#/assets`);
  await page.locator('main h1').waitFor();
  await page.waitForTimeout(500);
  await assertInert('assets');
  await page.goto(`${server.base}/#/sources`);
  await page.getByRole('rowheader', { name: 'http_ingest' }).waitFor();
  await page.locator('.panel', { hasText: 'Datasets' }).locator('tbody tr').first().waitFor();
  await assertInert('sources and health');
  await page.goto(`${server.base}/#/search?q=*`);
  await page.getByLabel('Saved searches').selectOption({ index: 1 });
  await page.waitForTimeout(500);
  await assertInert('saved searches');
  assert.deepEqual(w.cspViolations, []);
});

test('the UI source renders no HTML from strings and builds no link from event data', { skip: SKIP ?? false }, () => {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.tsx?$/.test(name)) files.push(p);
    }
  };
  walk(join(ROOT, 'ui', 'src'));
  assert.ok(files.length > 10);
  for (const f of files) {
    const src = readFileSync(f, 'utf8');
    assert.ok(!/dangerouslySetInnerHTML|\.innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/.test(src), `${f} renders HTML from a string`);
    for (const m of src.matchAll(/href=\{([^}]*)\}/g)) assert.match(m[1] ?? '', /^(href\(|`#\/)/, `${f}: a link built from ${m[1] ?? ''}`);
  }
});
