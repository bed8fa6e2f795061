import type { Command } from 'commander';
import { AlertBook, type AlertList, whoFrom } from '../../alerting/triage.js';
import type { AlertJson } from '../../alerting/view.js';
import { getPath } from '../../schema/event.js';
import { CliExit, printJson, safeText } from '../io.js';
import { httpApi, withQueue, type AccessOpts, type Api } from './alerting-access.js';

interface AlertsOpts extends AccessOpts {
  status?: string;
  minSeverity?: string;
  minRisk?: string;
  rule?: string;
  entity?: string;
  asset?: string;
  from?: string;
  to?: string;
  limit: string;
  sort?: string;
  buildingBlocks?: boolean;
  reason?: string;
  comment?: string;
  assignee?: string;
  json?: boolean;
}

const ACTIONS = ['list', 'show', 'ack', 'close', 'reopen', 'assign', 'comment'] as const;
type Action = (typeof ACTIONS)[number];

const cell = (v: unknown): string => safeText(typeof v === 'string' || typeof v === 'number' ? String(v) : v === null || v === undefined ? '-' : JSON.stringify(v));

function printList(r: AlertList): void {
  for (const a of r.alerts) {
    const cols = [getPath(a, 'vigil.alert.last_seen'), getPath(a, 'event.risk_score'), getPath(a, 'event.severity'), getPath(a, 'vigil.alert.status'), `x${String(getPath(a, 'vigil.alert.count'))}`, getPath(a, 'message'), a.id];
    process.stdout.write(`${cols.map(cell).join('  ')}\n`);
  }
  process.stderr.write(`${r.alerts.length} shown of ${r.total}\n`);
}

function printOne(a: AlertJson): void {
  const line = (k: string, v: unknown): void => void process.stdout.write(`${k.padEnd(12)} ${cell(v)}\n`);
  line('id', a.id);
  line('rule', `${cell(getPath(a, 'rule.name'))} (${cell(getPath(a, 'rule.id'))})`);
  line('message', getPath(a, 'message'));
  for (const [k, p] of [['status', 'vigil.alert.status'], ['risk', 'event.risk_score'], ['severity', 'event.severity'], ['count', 'vigil.alert.count'], ['first seen', 'vigil.alert.first_seen'], ['last seen', 'vigil.alert.last_seen'], ['assignee', 'vigil.alert.assignee'], ['close reason', 'vigil.alert.close_reason'], ['entities', 'vigil.alert.entities'], ['assets', 'vigil.alert.assets']] as const) line(k, getPath(a, p));
  const history = getPath(a, 'vigil.alert.history');
  if (Array.isArray(history)) for (const h of history as Record<string, unknown>[]) line('history', `${cell(h['at'])} ${cell(h['who'])} ${cell(h['action'])} ${cell(h['from'])} -> ${cell(h['to'])}${h['reason'] ? ` (${cell(h['reason'])})` : ''}${h['comment'] ? `: ${cell(h['comment'])}` : ''}`);
  const comments = getPath(a, 'vigil.alert.comments');
  if (Array.isArray(comments)) for (const c of comments as Record<string, unknown>[]) line('comment', `${cell(c['at'])} ${cell(c['who'])}: ${cell(c['text'])}`);
}

function changeOf(action: Action, o: AlertsOpts): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (action === 'ack') body['status'] = 'acknowledged';
  if (action === 'close') body['status'] = 'closed';
  if (action === 'reopen') body['status'] = 'open';
  if (o.reason !== undefined) body['reason'] = o.reason;
  if (o.comment !== undefined) body['comment'] = o.comment;
  if (o.assignee !== undefined) body['assignee'] = o.assignee === '' || o.assignee === '-' ? null : o.assignee;
  return body;
}

/** The queue as the command sees it: the running server's API (--url) or the data directory's database. */
interface Backend {
  list(q: Record<string, string>): Promise<AlertList> | AlertList;
  get(id: string): Promise<AlertJson | undefined> | AlertJson | undefined;
  /** a status change body without status keeps the current status (assign, comment) */
  change(id: string, body: Record<string, unknown>): Promise<AlertJson | undefined> | AlertJson | undefined;
}

function apiBackend(api: Api): Backend {
  const orMissing = async <T>(p: Promise<unknown>): Promise<T | undefined> => {
    try {
      return (await p) as T;
    } catch (e) {
      if (e instanceof CliExit && e.exitCode === 3) return undefined;
      throw e;
    }
  };
  return {
    list: async (q) => (await api('GET', `/alerts?${new URLSearchParams(q).toString()}`)) as AlertList,
    get: (id) => orMissing<AlertJson>(api('GET', `/alerts/${encodeURIComponent(id)}`)),
    change: async (id, body) => {
      const path = `/alerts/${encodeURIComponent(id)}`;
      if (body['status'] === undefined) {
        const cur = await orMissing<AlertJson>(api('GET', path));
        if (!cur) return undefined;
        body = { ...body, status: getPath(cur, 'vigil.alert.status') };
      }
      return orMissing<AlertJson>(api('POST', `${path}/status`, body));
    },
  };
}

function dbBackend(book: AlertBook, who: string): Backend {
  return {
    list: (q) => book.list(q),
    get: (id) => book.get(id),
    change: (id, body) => {
      const cur = book.row(id);
      if (!cur) return undefined;
      return book.setStatus(id, AlertBook.parseChange({ ...body, status: body['status'] ?? cur.status }), who);
    },
  };
}

async function run(action: Action, ids: string[], o: AlertsOpts): Promise<void> {
  if (action === 'list' && ids.length > 0) throw new CliExit(2, `unexpected argument '${ids[0] ?? ''}' (actions: ${ACTIONS.join(', ')})`);
  if (action !== 'list' && ids.length === 0) throw new CliExit(2, `vigil alerts ${action} needs at least one alert id`);
  if (action === 'comment' && o.comment === undefined) throw new CliExit(2, 'vigil alerts comment needs --comment TEXT');
  if (action === 'assign' && o.assignee === undefined) throw new CliExit(2, 'vigil alerts assign needs --assignee NAME (or - to clear)');
  const who = whoFrom(o.user);
  const api = httpApi(o);
  if (api) return act(apiBackend(api), action, ids, o);
  return withQueue(o, ({ queue }) => act(dbBackend(queue.book, who), action, ids, o));
}

async function act(b: Backend, action: Action, ids: string[], o: AlertsOpts): Promise<void> {
  if (action === 'list') {
    const query: Record<string, string> = {};
    const pairs = [['status', o.status], ['min_severity', o.minSeverity], ['min_risk', o.minRisk], ['rule', o.rule], ['entity', o.entity], ['asset', o.asset], ['from', o.from], ['to', o.to], ['limit', o.limit], ['sort', o.sort], ['building_blocks', o.buildingBlocks ? 'true' : undefined]] as const;
    for (const [k, v] of pairs) if (v !== undefined) query[k] = v;
    const r = await b.list(query);
    return o.json ? printJson(r) : printList(r);
  }
  const out: AlertJson[] = [];
  const missing: string[] = [];
  const body = changeOf(action, o);
  for (const id of ids) {
    const a = action === 'show' ? await b.get(id) : await b.change(id, body);
    if (a) out.push(a);
    else missing.push(id);
  }
  if (o.json) printJson(action === 'show' && ids.length === 1 && out.length === 1 ? out[0] : { alerts: out, missing });
  else if (action === 'show') out.forEach((a, i) => {
    if (i > 0) process.stdout.write('\n');
    printOne(a);
  });
  else for (const a of out) process.stdout.write(`${a.id}  ${cell(getPath(a, 'vigil.alert.status'))}\n`);
  if (missing.length > 0) throw new CliExit(3, `no alert ${missing.join(', ')}`);
}

export function alertsCommand(program: Command): void {
  program
    .command('alerts')
    .description('the alert queue: list (riskiest first; the same JSON as GET /api/v1/alerts with --json), show, ack, close, reopen, assign, comment')
    .argument('[action]', `one of ${ACTIONS.join(', ')}`, 'list')
    .argument('[ids...]', 'alert ids (for show, ack, close, reopen, assign, comment)')
    .option('--data-dir <dir>', 'data directory (the queue is DATA_DIR/alerting.db)')
    .option('--config <file>', 'YAML config file (for the assets and alerting sections)')
    .option('--url <url>', 'work through the API of a running Vigil instead of the data directory')
    .option('--token <token>', 'API token with --url (default VIGIL_ADMIN_TOKEN, else DATA_DIR/admin.token)')
    .option('--user <name>', 'who is recorded in the alert history (default admin)')
    .option('--status <status>', 'only alerts with this status (open, acknowledged, closed)')
    .option('--min-severity <n>', 'only alerts with event.severity >= n (0-100)')
    .option('--min-risk <n>', 'only alerts with event.risk_score >= n (0-100)')
    .option('--rule <id>', 'only alerts of this rule')
    .option('--entity <value>', 'only alerts about this address, user or host')
    .option('--asset <name>', 'only alerts involving this asset')
    .option('--from <time>', 'last seen at or after (ISO 8601, epoch ms, -15m, -7d, now)')
    .option('--to <time>', 'first seen before')
    .option('--limit <n>', 'alerts to list', '100')
    .option('--sort <order>', 'risk (default) or time')
    .option('--building-blocks', 'include building-block alerts')
    .option('--reason <reason>', 'close reason: true_positive, false_positive or benign')
    .option('--comment <text>', 'a comment recorded with the change')
    .option('--assignee <name>', 'assign the alerts (- to clear)')
    .option('--json', 'machine-readable output')
    .action(async (action: string, ids: string[], opts: AlertsOpts) => {
      if (!(ACTIONS as readonly string[]).includes(action)) {
        // `vigil alerts ID` reads as show
        if (/^[A-Za-z0-9-]{8,128}$/.test(action)) return run('show', [action, ...ids], opts);
        throw new CliExit(2, `unknown action '${safeText(action.slice(0, 64))}' (actions: ${ACTIONS.join(', ')})`);
      }
      return run(action as Action, ids, opts);
    });
}
