import type { Asset } from '../alerting/types.js';
import { getMeta, setMeta, type AlertingDb } from '../alerting/db.js';
import { AssetInventory } from './assets.js';

/*
 * The asset inventory in force: the configured seed (config `assets:`) with the edits made through the API or
 * `vigil assets`, which are kept in DATA_DIR/alerting.db and win. `PUT /assets` replaces the whole inventory: from
 * then on the seed is ignored (a change to the config's assets no longer shows) until the edits are reset.
 * Another process (the CLI) may edit the same database: a revision number in it tells when to rebuild the lookup.
 */

interface Row {
  name: string;
  asset: string | null;
}

/**
 * How long the inventory is used before the revision in the database is read again: an edit made by another process
 * shows within this time (one made through this store shows at once). Events are stamped batch by batch, and reading
 * the revision for every batch cost the ingest path 0.2 µs per 300-byte syslog event.
 */
const REV_CHECK_MS = 1000;

export class AssetStore {
  private cached: { rev: string; inv: AssetInventory; checkedAt: number } | undefined;

  constructor(
    private readonly db: AlertingDb,
    private readonly seed: readonly Asset[],
    private readonly internalNetworks: readonly string[],
  ) {}

  private rev(): string {
    return getMeta(this.db, 'assets_rev') ?? '0';
  }

  private bump(): void {
    setMeta(this.db, 'assets_rev', String(Number(this.rev()) + 1));
    this.cached = undefined;
  }

  /** The assets in force: seed order, then assets added later. */
  list(): Asset[] {
    const replaced = getMeta(this.db, 'assets_replaced') === '1';
    const byName = new Map<string, Asset>();
    if (!replaced) for (const a of this.seed) byName.set(a.name, a);
    const rows = this.db.prepare('SELECT name, asset FROM assets ORDER BY updated, rowid').all() as Row[];
    for (const r of rows) {
      if (r.asset === null) byName.delete(r.name);
      else byName.set(r.name, JSON.parse(r.asset) as Asset);
    }
    return [...byName.values()];
  }

  get(name: string): Asset | undefined {
    return this.list().find((a) => a.name === name);
  }

  /** The lookup over the assets in force (rebuilt when they changed: here at once, in another process within REV_CHECK_MS). */
  inventory(now = Date.now()): AssetInventory {
    const c = this.cached;
    if (c !== undefined && now >= c.checkedAt && now - c.checkedAt < REV_CHECK_MS) return c.inv;
    const rev = this.rev();
    if (c?.rev === rev) {
      c.checkedAt = now;
      return c.inv;
    }
    this.cached = { rev, inv: new AssetInventory(this.list(), this.internalNetworks), checkedAt: now };
    return this.cached.inv;
  }

  get internal(): readonly string[] {
    return this.internalNetworks;
  }

  replaceAll(assets: readonly Asset[], now: number): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM assets').run();
      const ins = this.db.prepare('INSERT INTO assets(name, asset, updated) VALUES (?, ?, ?)');
      for (const a of assets) ins.run(a.name, JSON.stringify(a), now);
      setMeta(this.db, 'assets_replaced', '1');
      this.bump();
    })();
  }

  upsert(asset: Asset, now: number): void {
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO assets(name, asset, updated) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET asset = excluded.asset, updated = excluded.updated')
        .run(asset.name, JSON.stringify(asset), now);
      this.bump();
    })();
  }

  /** Removes an asset (a seed asset is hidden by a tombstone). False when there was none. */
  delete(name: string, now: number): boolean {
    if (!this.get(name)) return false;
    this.db.transaction(() => {
      this.db.prepare('INSERT INTO assets(name, asset, updated) VALUES (?, NULL, ?) ON CONFLICT(name) DO UPDATE SET asset = NULL, updated = excluded.updated').run(name, now);
      this.bump();
    })();
    return true;
  }
}
