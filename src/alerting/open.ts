import { join } from 'node:path';
import type { Config } from '../core/config.js';
import { AssetStore } from '../enrich/assets-store.js';
import { seedAssets } from '../enrich/assets-config.js';
import { parseQuery } from '../query/parser.js';
import type { EcsEvent } from '../schema/event.js';
import type { Store } from '../store/store.js';
import { openAlertingDb, type AlertingDb } from './db.js';
import { AlertQueue, type QueueOptions } from './queue.js';

/** Alerts raised outside the queue (by `vigil ingest`) taken in at most per start. */
export const MAX_ADOPT = 10_000;

export function alertingDbPath(dataDir: string): string {
  return join(dataDir, 'alerting.db');
}

export interface OpenQueue {
  queue: AlertQueue;
  db: AlertingDb;
  close(): void;
}

/** Opens DATA_DIR/alerting.db and the queue over it, with the configured assets and suppressions as the seed. */
export function openAlertQueue(config: Config, opts: Omit<QueueOptions, 'db' | 'assets' | 'config'> = {}): OpenQueue {
  const seed = seedAssets(config.assets);
  const db = openAlertingDb(alertingDbPath(config.data_dir));
  try {
    const assets = new AssetStore(db, seed, config.internal_networks);
    const queue = new AlertQueue({ ...opts, db, assets, config: config.alerting });
    queue.book.seedSuppressions(config.alerting.suppressions);
    return { queue, db, close: () => db.close() };
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * Takes into the queue the alert documents the event store holds that the queue never saw (raised by `vigil ingest`,
 * which stores alerts without the queue): they are triaged (grouped, scored) but not stored again.
 */
export async function adoptStoredAlerts(queue: AlertQueue, store: Store): Promise<number> {
  const r = await store.search({ filter: parseQuery('event.kind:alert and not vigil.alert.first_seen:*').filter, from: 0, to: Number.MAX_SAFE_INTEGER, limit: MAX_ADOPT });
  const docs: EcsEvent[] = r.events.map((h) => h.event).filter((d) => queue.adoptable(d));
  docs.reverse();
  return queue.adopt(docs);
}
