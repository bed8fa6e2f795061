import type { AlertQueue } from '../queue.js';
import { Notifier } from '../notify/notifier.js';
import type { NotifyConfig } from '../notify/config.js';
import type { ResponseConfig } from './config.js';
import { Responder } from './responder.js';

export interface RunningResponse {
  /** what the API reads (AppDeps.response) */
  deps: { notifier: Notifier; responder: Responder };
  /** health components: notify (deliveries by status) and response (mode, actions, blocks in force, dropped commands) */
  health(): Record<string, unknown>;
  /** unsubscribes, waits for messages and commands under way; blocks stay in force for the next start */
  stop(): Promise<void>;
}

/**
 * Starts notifications (DATA_DIR/notify.db) and active response (DATA_DIR/response.db) and subscribes both to the
 * alert queue. Throws on a response action whose command template cannot be read (start-up stops with the reason).
 */
export function startResponse(
  config: { data_dir: string; internal_networks: readonly string[]; notify: NotifyConfig; response: ResponseConfig },
  queue: Pick<AlertQueue, 'subscribe' | 'inventory'>,
  log: (m: string) => void,
): RunningResponse {
  const assets = (): AlertQueue['inventory'] => queue.inventory;
  const responder = new Responder({ config: config.response, internalNetworks: config.internal_networks, dataDir: config.data_dir, assets, log });
  let notifier: Notifier;
  try {
    notifier = new Notifier({ config: config.notify, dataDir: config.data_dir, assets, log });
  } catch (err) {
    void responder.stop();
    throw err;
  }
  responder.start();
  notifier.start();
  const off = [queue.subscribe(notifier.listener), queue.subscribe(responder.listener)];
  const active = config.response.actions.filter((a) => a.enabled).length;
  if (active > 0) log(`response: ${active} action(s)${config.response.dry_run ? ' in dry-run (response.dry_run: false to act)' : ''}`);
  let stopping: Promise<void> | undefined;
  return {
    deps: { notifier, responder },
    health: () => ({
      notify: { state: 'ok', channels: config.notify.channels.filter((c) => c.enabled).length, deliveries: notifier.counts() },
      response: { state: 'ok', dry_run: config.response.dry_run, actions: active, blocks: responder.blocks().length, dropped: responder.dropped },
    }),
    stop: () => {
      stopping ??= (async () => {
        for (const o of off) o();
        await Promise.all([notifier.stop(), responder.stop()]);
      })();
      return stopping;
    },
  };
}
