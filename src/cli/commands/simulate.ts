import type { Command } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../core/config.js';
import { errorMessage } from '../../core/errors.js';
import { loadedRules, runScenario, type ScenarioResult, type Target } from '../../simulate/run.js';
import { scenario, SCENARIOS, type Scenario } from '../../simulate/scenarios.js';
import { ingestSender, syslogSender, type Sender } from '../../simulate/send.js';
import { CliExit, safeText } from '../io.js';

interface SimulateOpts {
  target?: string;
  token?: string;
  dataDir?: string;
  syslog?: string;
  via?: string;
  deadline?: string;
  json?: boolean;
}

/** `HOST:PORT` or `[v6]:PORT`. */
function hostPort(s: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(s) ?? /^([^:]+):(\d{1,5})$/.exec(s);
  const port = Number(m?.[2]);
  if (!m?.[1] || !(port > 0 && port < 65536)) throw new CliExit(2, `--syslog must be HOST:PORT, not '${s}'`);
  return { host: m[1], port };
}

/** The running Vigil's syslog TCP listener from GET /api/v1/health (`components.syslog_tcp.listening`). */
async function healthSyslog(t: Target): Promise<{ host: string; port: number } | undefined> {
  try {
    const res = await fetch(`${t.base}/api/v1/health`, { headers: { authorization: `Bearer ${t.token}` }, signal: AbortSignal.timeout(10_000) });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { components?: Record<string, { listening?: unknown }> };
    const l = body.components?.['syslog_tcp']?.listening;
    if (typeof l !== 'string') return undefined;
    const port = Number(l.split(':').pop());
    if (!(port > 0 && port < 65536)) return undefined;
    // the listener's own address when it is a specific one, else the host of the API
    const host = l.slice(0, l.lastIndexOf(':')).replace(/^\[|\]$/g, '');
    const any = host === '' || host === '0.0.0.0' || host === '::';
    return { host: any ? new URL(t.base).hostname.replace(/^\[|\]$/g, '') : host, port };
  } catch {
    return undefined;
  }
}

/** Whether the target reports a rule disabled (switched off through the API, or stopped for errors); never throws. */
async function disabled(t: Target, rule: string): Promise<boolean> {
  try {
    const res = await fetch(`${t.base}/api/v1/rules/${encodeURIComponent(rule)}`, { headers: { authorization: `Bearer ${t.token}` }, signal: AbortSignal.timeout(10_000) });
    if (!res.ok) return false;
    const body = (await res.json()) as { enabled?: unknown };
    return body.enabled === false;
  } catch {
    return false;
  }
}

function table(results: readonly ScenarioResult[]): string {
  const rows = [['SCENARIO', 'EXPECTED RULE', 'RESULT', 'ALERT', 'LATENCY'], ...results.map((r) => [r.scenario, r.rule, r.passed ? 'passed' : 'FAILED', r.alert_id ?? '-', r.latency_ms !== undefined ? `${(r.latency_ms / 1000).toFixed(2)} s` : '-'])];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const lines = rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
  for (const r of results) if (r.error !== undefined) lines.push(`${r.scenario}: ${r.error}`);
  return `${lines.map(safeText).join('\n')}\n`;
}

export function simulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('replays attack scenarios into a running Vigil and checks that the expected alerts appear (exit 0 only if all did)')
    .argument('<scenario...>', `${SCENARIOS.map((s) => s.name).join(', ')} or all`)
    .option('--target <url>', 'the running Vigil (default http://HOST:PORT from the config)')
    .option('--token <token>', 'API token (default VIGIL_TOKEN, VIGIL_ADMIN_TOKEN, else DATA_DIR/admin.token)')
    .option('--data-dir <dir>', 'data directory (for admin.token and the config defaults)')
    .option('--syslog <host:port>', 'send the events to this syslog TCP listener (default: the target\'s own, from /api/v1/health)')
    .option('--via <how>', 'syslog or ingest (POST /api/v1/ingest); default syslog when the target has a TCP listener')
    .option('--deadline <seconds>', 'how long to wait for each alert after the scenario\'s last event (default per scenario: 20 s, log-silence 60 s)')
    .option('--json', 'print {"passed", "results": [...]} as JSON')
    .action(async (names: string[], opts: SimulateOpts) => {
      const chosen: Scenario[] = [];
      for (const n of names) {
        if (n === 'all') chosen.push(...SCENARIOS);
        else {
          const s = scenario(n);
          if (!s) throw new CliExit(2, `unknown scenario '${n}' (one of ${SCENARIOS.map((x) => x.name).join(', ')}, all)`);
          chosen.push(s);
        }
      }
      const unique = [...new Set(chosen)];
      const deadline = opts.deadline === undefined ? undefined : Number(opts.deadline);
      if (deadline !== undefined && !(deadline > 0 && deadline <= 3600)) throw new CliExit(2, '--deadline must be a number of seconds from 0 to 3600');
      if (opts.via !== undefined && opts.via !== 'syslog' && opts.via !== 'ingest') throw new CliExit(2, '--via must be syslog or ingest');
      const config = loadConfig(undefined, process.env, opts.dataDir);
      const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
      const base = (opts.target ?? `http://${host}:${config.http.port}`).replace(/\/$/, '');
      const tokenFile = join(config.data_dir, 'admin.token');
      const token = opts.token ?? process.env['VIGIL_TOKEN'] ?? process.env['VIGIL_ADMIN_TOKEN'] ?? (existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : undefined);
      if (!token) throw new CliExit(2, `no API token: pass --token, set VIGIL_TOKEN or run beside ${tokenFile}`);
      const t: Target = { base, token };
      let loaded: Set<string>;
      try {
        loaded = await loadedRules(t);
      } catch (e) {
        throw new CliExit(1, `cannot reach ${base}: ${errorMessage(e)}`);
      }
      let sender: () => Promise<Sender>;
      if (opts.via === 'ingest' && opts.syslog !== undefined) throw new CliExit(2, '--syslog and --via ingest contradict each other');
      if (opts.via === 'ingest') sender = () => Promise.resolve(ingestSender(base, token));
      else {
        const to = opts.syslog !== undefined ? hostPort(opts.syslog) : await healthSyslog(t);
        if (to) sender = () => syslogSender(to.host, to.port);
        else if (opts.via === 'syslog') throw new CliExit(2, 'the target reports no syslog TCP listener: pass --syslog HOST:PORT');
        else sender = () => Promise.resolve(ingestSender(base, token));
      }
      const results = await Promise.all(unique.map((s) => runScenario(s, t, loaded, sender, deadline)));
      // a missing alert whose rule is loaded but disabled says so
      for (const r of results) if (!r.passed && r.error !== undefined && loaded.has(r.rule) && (await disabled(t, r.rule))) r.error += ' (the target reports the rule disabled)';
      const passed = results.every((r) => r.passed);
      process.stdout.write(opts.json ? `${JSON.stringify({ passed, results })}\n` : table(results));
      if (!passed) process.exitCode = 1;
    });
}
