import { join } from 'node:path';
import { errorMessage } from '../../core/errors.js';
import { getPath } from '../../schema/event.js';
import type { AlertChange, AlertListener, AssetLookup, TriagedAlert } from '../types.js';
import { alertJson } from '../notify/message.js';
import { selects } from '../notify/select.js';
import { alertFields, render } from '../notify/template.js';
import { postJson, readSecret } from '../notify/webhook.js';
import { blockTarget, type BlockTarget } from './address.js';
import { Allowlist } from './allowlist.js';
import { actionView, blockView, ResponseAudit, type ActionStatus, type ActionView, type BlockRow, type BlockView } from './audit.js';
import { blockCommands, fill, run, type BlockCommands } from './commands.js';
import type { ActionConfig, BlockActionConfig, ResponseConfig } from './config.js';

export interface ResponderOptions {
  config: ResponseConfig;
  /** internal_networks of the config (allowlisted when allowlist_internal is on) */
  internalNetworks: readonly string[];
  /** response.db is kept here */
  dataDir: string;
  assets?: () => AssetLookup | undefined;
  log?: (m: string) => void;
  now?: () => number;
  /** how often expired blocks are looked for, ms (default 1000) */
  sweepMs?: number;
}

const MAX_TARGETS = 16;
const MAX_QUEUED = 10_000;
/** a refused or repeated target is audited at most once per this long */
const QUIET_MS = 60_000;
const UNBLOCK_RETRY_MS = 60_000;

/**
 * Active response: subscribes to the alert queue (`listener`) and runs the configured actions for the alerts they
 * select — block an address (with its unblock after a TTL that grows for repeat offenders), call a webhook, run a
 * script. The allowlist wins over every action; dry-run (the default) audits without running anything. Commands
 * run one at a time, with execFile (never a shell). Blocks live in response.db and are lifted after a restart.
 */
export class Responder {
  readonly listener: AlertListener = (alert, change) => this.onAlert(alert, change);
  private readonly audit: ResponseAudit;
  private readonly allowlist: Allowlist;
  private readonly actions: { cfg: ActionConfig; cmds?: BlockCommands }[] = [];
  private readonly now: () => number;
  private readonly log: (m: string) => void;
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;
  /** targets with a block being made (not yet in response.db) */
  private readonly pending = new Set<string>();
  private readonly quiet = new Map<string, number>();
  private readonly failedAt = new Map<string, number>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  dropped = 0;

  constructor(private readonly opts: ResponderOptions) {
    const c = opts.config;
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? (() => {});
    for (const cfg of c.actions) if (cfg.enabled) this.actions.push({ cfg, ...(cfg.type === 'block' ? { cmds: blockCommands(cfg) } : {}) });
    this.allowlist = new Allowlist({
      entries: c.allowlist,
      internal: c.allowlist_internal ? opts.internalNetworks : [],
      minCriticality: c.allowlist_min_criticality,
      tags: c.allowlist_tags,
      ...(opts.assets ? { assets: opts.assets } : {}),
    });
    this.audit = new ResponseAudit(join(opts.dataDir, 'response.db'));
  }

  /** Lifts blocks that expired while Vigil was not running, then checks for expired blocks every sweepMs. */
  start(): void {
    const n = this.audit.blocks().length;
    if (n > 0) this.log(`response: ${n} block(s) in force from before`);
    try {
      this.audit.prune(this.now() - this.opts.config.keep_days * 86_400_000);
    } catch (err) {
      this.log(`response: cannot prune the audit: ${errorMessage(err)}`);
    }
    this.sweep();
    this.sweepTimer = setInterval(() => this.sweep(), this.opts.sweepMs ?? 1000);
    this.sweepTimer.unref();
  }

  private dryRun(a: ActionConfig): boolean {
    return a.dry_run ?? this.opts.config.dry_run;
  }

  private onAlert(alert: TriagedAlert, change: AlertChange): void {
    if (this.stopped || alert.buildingBlock) return;
    if (change === 'status') return this.onStatus(alert);
    try {
      const assets = this.opts.assets?.();
      for (const a of this.actions) {
        if (!a.cfg.on.includes(change) || !selects(a.cfg, alert, assets)) continue;
        const cfg = a.cfg;
        if (cfg.type === 'block') this.onBlock(cfg, a.cmds as BlockCommands, alert);
        else if (cfg.type === 'webhook') this.enqueue(() => this.callWebhook(cfg, alert, change));
        else this.enqueue(() => this.runScript(cfg, alert, change));
      }
    } catch (err) {
      this.log(`response: ${errorMessage(err)}`);
    }
  }

  /** An alert closed as a false positive: the blocks it made are lifted (response.unblock_on_false_positive). */
  private onStatus(alert: TriagedAlert): void {
    if (!this.opts.config.unblock_on_false_positive || alert.status !== 'closed' || getPath(alert.doc, 'vigil.alert.close_reason') !== 'false_positive') return;
    try {
      for (const b of this.audit.blocksOf(alert.id)) {
        const key = `unblock:${b.target}`;
        if (this.pending.has(key)) continue;
        this.pending.add(key);
        if (!this.enqueue(() => this.lift(b.target, 'vigil', 'the alert was closed as a false positive').then(() => {}))) this.pending.delete(key);
      }
    } catch (err) {
      this.log(`response: ${errorMessage(err)}`);
    }
  }

  /** Audits a refusal or repeat at most once per QUIET_MS per target (an alert storm must not flood the audit). */
  private loud(key: string): boolean {
    const now = this.now();
    const last = this.quiet.get(key);
    if (last !== undefined && now - last < QUIET_MS) return false;
    if (this.quiet.size >= 100_000) this.quiet.clear();
    this.quiet.set(key, now);
    return true;
  }

  private onBlock(cfg: BlockActionConfig, cmds: BlockCommands, alert: TriagedAlert): void {
    const addrs = (cfg.target === 'source_ip' ? alert.entities.sourceIp : alert.entities.destinationIp).slice(0, MAX_TARGETS);
    for (const addr of addrs) {
      const t = blockTarget(addr, this.opts.config.ipv6_prefix);
      const base = { alert_id: alert.id, action: 'block' as const, name: cfg.name, dry_run: this.dryRun(cfg) ? 1 : 0, at: this.now(), expires_at: null, command: null, who: 'vigil' };
      if (!t) {
        if (this.loud(`bad:${addr}`)) this.audit.record({ ...base, target: addr.slice(0, 64), status: 'skipped', output: 'not an IP address' });
        continue;
      }
      const why = this.allowlist.refuses(t);
      if (why !== undefined) {
        if (this.loud(`allow:${t.target}`)) this.audit.record({ ...base, target: t.target, status: 'skipped', output: `allowlisted: ${why}` });
        continue;
      }
      if (this.pending.has(t.target) || this.audit.block(t.target)) continue;
      // a block command that failed is not tried again for the same target at every repeat of the alert
      const failed = this.failedAt.get(t.target);
      if (failed !== undefined && this.now() - failed < QUIET_MS) continue;
      this.pending.add(t.target);
      if (!this.enqueue(() => this.block(cfg, cmds, t, alert.id))) this.pending.delete(t.target);
    }
  }

  /** Runs `job` after the ones before it; false when too many are waiting (the job is dropped and counted). */
  private enqueue(job: () => Promise<void>): boolean {
    if (this.queued >= MAX_QUEUED) {
      this.dropped++;
      return false;
    }
    this.queued++;
    this.chain = this.chain
      .then(job)
      .catch((err: unknown) => this.log(`response: ${errorMessage(err)}`))
      .finally(() => {
        this.queued--;
      });
    return true;
  }

  private async block(cfg: BlockActionConfig, cmds: BlockCommands, t: BlockTarget, alertId: string): Promise<void> {
    try {
      const now = this.now();
      const dry = this.dryRun(cfg);
      const earlier = this.audit.offend(t.target, now, cfg.repeat_window_seconds * 1000);
      const ttl = Math.min(cfg.max_ban_seconds, cfg.ban_seconds * cfg.ban_factor ** earlier);
      const argv = fill(t.family === 4 ? cmds.block : cmds.block6, t, ttl);
      const unblock = fill(t.family === 4 ? cmds.unblock : cmds.unblock6, t, ttl);
      const expires = now + Math.round(ttl * 1000);
      let status: ActionStatus = 'dry_run';
      let output = `dry run: would block for ${ttl} s (block #${earlier + 1} of this address)`;
      if (!dry) {
        const r = await this.exec(argv);
        status = r.ok ? 'ok' : 'failed';
        output = r.output;
      }
      const id = this.audit.record({ alert_id: alertId, action: 'block', name: cfg.name, target: t.target, dry_run: dry ? 1 : 0, status, at: now, expires_at: expires, command: JSON.stringify(argv), output, who: 'vigil' });
      if (status === 'failed') {
        if (this.failedAt.size >= 100_000) this.failedAt.clear();
        this.failedAt.set(t.target, now);
        this.log(`response: block of ${t.target} failed: ${output}`);
        return;
      }
      this.failedAt.delete(t.target);
      this.audit.addBlock({ target: t.target, ip: t.ip, name: cfg.name, alert_id: alertId, action_id: id, dry_run: dry ? 1 : 0, at: now, expires_at: expires, ttl_s: ttl, unblock: JSON.stringify(unblock) });
    } finally {
      this.pending.delete(t.target);
    }
  }

  private exec(argv: readonly string[], input?: string): Promise<{ ok: boolean; output: string }> {
    return run(argv, this.opts.config.command_timeout_seconds * 1000, input);
  }

  /** Lifts expired blocks (one at a time, after any command already waiting). */
  private sweep(): void {
    if (this.stopped) return;
    let due: BlockRow[];
    try {
      due = this.audit.due(this.now());
    } catch (err) {
      this.log(`response: ${errorMessage(err)}`);
      return;
    }
    for (const b of due) {
      if (this.pending.has(`unblock:${b.target}`)) continue;
      this.pending.add(`unblock:${b.target}`);
      if (!this.enqueue(() => this.lift(b.target, 'vigil').then(() => {}))) this.pending.delete(`unblock:${b.target}`);
    }
  }

  /** Runs a block's unblock command; answers the audit row, or undefined when there is no such block. */
  private async lift(target: string, who: string, why?: string): Promise<ActionView | undefined> {
    try {
      const b = this.audit.block(target);
      if (!b) return undefined;
      const argv = JSON.parse(b.unblock) as string[];
      const now = this.now();
      let status: ActionStatus = 'dry_run';
      let output = 'dry run: would lift the block';
      if (b.dry_run === 0) {
        const r = await this.exec(argv);
        status = r.ok ? 'ok' : 'failed';
        output = r.output;
      }
      if (why !== undefined) output = output === '' ? why : `${why}; ${output}`;
      const id = this.audit.record({ alert_id: b.alert_id, action: 'unblock', name: b.name, target, dry_run: b.dry_run, status, at: now, expires_at: null, command: JSON.stringify(argv), output, who });
      if (status === 'failed') {
        this.audit.unblockFailed(target, output, now + UNBLOCK_RETRY_MS);
        this.log(`response: unblock of ${target} failed (retried in ${UNBLOCK_RETRY_MS / 1000} s): ${output}`);
      } else this.audit.lifted(b, now);
      const row = this.audit.actions({ target, limit: 5 }).find((r) => r.id === id);
      return row ? actionView(row) : undefined;
    } finally {
      this.pending.delete(`unblock:${target}`);
    }
  }

  /** Lifts a block now (POST /response/blocks/{ip}/unblock); `ip` may be the address or the blocked network. */
  async unblock(ip: string, who: string): Promise<ActionView | undefined> {
    const t = ip.includes('/') ? ip : (blockTarget(ip, this.opts.config.ipv6_prefix)?.target ?? ip);
    if (!this.audit.block(t)) return undefined;
    let result: ActionView | undefined;
    const ok = this.enqueue(async () => {
      result = await this.lift(t, who);
    });
    if (!ok) throw new Error('too many response commands waiting');
    await this.chain;
    return result;
  }

  private async callWebhook(cfg: Extract<ActionConfig, { type: 'webhook' }>, alert: TriagedAlert, change: AlertChange): Promise<void> {
    const now = this.now();
    const dry = this.dryRun(cfg);
    let status: ActionStatus = 'dry_run';
    let output = 'dry run: would POST the alert';
    if (!dry) {
      try {
        const body = JSON.stringify({ type: 'response', action: cfg.name, alert: alertJson(alert, change) });
        await postJson(cfg.url, body, { secret: readSecret(cfg.secret, cfg.secret_file), timeoutMs: this.opts.config.command_timeout_seconds * 1000 });
        status = 'ok';
        output = '';
      } catch (err) {
        status = 'failed';
        output = errorMessage(err);
      }
    }
    this.audit.record({ alert_id: alert.id, action: 'webhook', name: cfg.name, target: cfg.url, dry_run: dry ? 1 : 0, status, at: now, expires_at: null, command: null, output, who: 'vigil' });
  }

  private async runScript(cfg: Extract<ActionConfig, { type: 'script' }>, alert: TriagedAlert, change: AlertChange): Promise<void> {
    const now = this.now();
    const dry = this.dryRun(cfg);
    const fields = alertFields(alert, change);
    // each placeholder fills part of one argument: a value can never become a second argument or an option of the shell
    const argv = cfg.command.map((a, i) => (i === 0 ? a : render(a, fields, alert.doc)));
    let status: ActionStatus = 'dry_run';
    let output = 'dry run: would run the script';
    if (!dry) {
      const r = await this.exec(argv, JSON.stringify(alertJson(alert, change)));
      status = r.ok ? 'ok' : 'failed';
      output = r.output;
    }
    this.audit.record({ alert_id: alert.id, action: 'script', name: cfg.name, target: cfg.command[0] ?? '', dry_run: dry ? 1 : 0, status, at: now, expires_at: null, command: JSON.stringify(argv), output, who: 'vigil' });
  }

  actionsList(f: { alertId?: string; ip?: string; limit?: number }): ActionView[] {
    const target = f.ip === undefined ? undefined : f.ip.includes('/') ? f.ip : (blockTarget(f.ip, this.opts.config.ipv6_prefix)?.target ?? f.ip);
    return this.audit.actions({ ...(f.alertId !== undefined ? { alertId: f.alertId } : {}), ...(target !== undefined ? { target } : {}), ...(f.limit !== undefined ? { limit: f.limit } : {}) }).map(actionView);
  }

  blocks(): BlockView[] {
    return this.audit.blocks().map(blockView);
  }

  /** Waits for the commands already queued (blocks stay in force and are lifted by the next start). */
  async idle(): Promise<void> {
    while (this.queued > 0) await this.chain;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.idle();
    this.audit.close();
  }
}
