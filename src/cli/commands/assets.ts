import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Asset } from '../../alerting/types.js';
import { errorMessage } from '../../core/errors.js';
import { parseAsset, parseAssetList } from '../../enrich/assets-config.js';
import { CliExit, printJson, safeText } from '../io.js';
import { httpApi, withQueue, type AccessOpts } from './alerting-access.js';

interface AssetsOpts extends AccessOpts {
  kind?: string;
  match?: string[];
  criticality?: string;
  owner?: string;
  environment?: string;
  tag?: string[];
  file?: string;
  json?: boolean;
}

const ACTIONS = ['list', 'get', 'set', 'delete', 'replace'] as const;
type Action = (typeof ACTIONS)[number];

interface Inventory {
  assets: Asset[];
  internal_networks: readonly string[];
}

function printAssets(list: readonly Asset[]): void {
  for (const a of list) {
    const cols = [a.name, a.kind, String(a.criticality), a.match.join(','), a.environment ?? '-', a.owner ?? '-', a.tags.join(',') || '-'];
    process.stdout.write(`${cols.map((c) => safeText(c)).join('  ')}\n`);
  }
}

/** The asset `set NAME` describes: the options, over the current asset when there is one. */
function assetFromOptions(name: string, o: AssetsOpts, current: Asset | undefined): Asset {
  const raw: Record<string, unknown> = { ...(current ?? {}), name };
  if (o.kind !== undefined) raw['kind'] = o.kind;
  if (o.match !== undefined && o.match.length > 0) raw['match'] = o.match;
  if (o.criticality !== undefined) raw['criticality'] = Number(o.criticality);
  if (o.owner !== undefined) raw['owner'] = o.owner;
  if (o.environment !== undefined) raw['environment'] = o.environment;
  if (o.tag !== undefined && o.tag.length > 0) raw['tags'] = o.tag;
  return parseAsset(raw);
}

function readList(file: string): Asset[] {
  let raw: unknown;
  try {
    const text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
    raw = parseYaml(text);
  } catch (err) {
    throw new CliExit(2, `cannot read ${file}: ${errorMessage(err).split('\n')[0] ?? ''}`);
  }
  const list = raw !== null && typeof raw === 'object' && !Array.isArray(raw) && 'assets' in raw ? (raw).assets : raw;
  return parseAssetList(list);
}

async function run(action: Action, name: string | undefined, o: AssetsOpts): Promise<void> {
  if ((action === 'get' || action === 'set' || action === 'delete') && name === undefined) throw new CliExit(2, `vigil assets ${action} needs an asset name`);
  if (action === 'replace' && o.file === undefined) throw new CliExit(2, 'vigil assets replace needs --file FILE (YAML or JSON list of assets, - for stdin)');
  const api = httpApi(o);
  const path = `/assets/${encodeURIComponent(name ?? '')}`;
  let out: unknown;
  if (api) {
    if (action === 'list') out = await api('GET', '/assets');
    else if (action === 'get') {
      const inv = (await api('GET', '/assets')) as Inventory;
      out = inv.assets.find((a) => a.name === name);
    } else if (action === 'set') {
      const inv = (await api('GET', '/assets')) as Inventory;
      out = await api('PUT', path, assetFromOptions(name as string, o, inv.assets.find((a) => a.name === name)));
    } else if (action === 'delete') out = await api('DELETE', path);
    else out = await api('PUT', '/assets', { assets: readList(o.file as string) });
  } else {
    out = await withQueue(o, ({ queue }) => {
      const store = queue.assets;
      const now = Date.now();
      const inventory = (): Inventory => ({ assets: store.list(), internal_networks: store.internal });
      switch (action) {
        case 'list':
          return inventory();
        case 'get':
          return store.get(name as string);
        case 'set': {
          const a = assetFromOptions(name as string, o, store.get(name as string));
          store.upsert(a, now);
          return a;
        }
        case 'delete':
          if (!store.delete(name as string, now)) throw new CliExit(3, `no asset ${name ?? ''}`);
          return { deleted: name };
        case 'replace':
          store.replaceAll(readList(o.file as string), now);
          return inventory();
      }
    });
  }
  if (out === undefined) throw new CliExit(3, `no asset ${name ?? ''}`);
  if (o.json) return printJson(out);
  if (action === 'list' || action === 'replace') printAssets((out as Inventory).assets);
  else if (action === 'delete') process.stdout.write(`deleted ${safeText(name ?? '')}\n`);
  else printAssets([out as Asset]);
}

export function assetsCommand(program: Command): void {
  const collect = (v: string, acc: string[]): string[] => [...acc, v];
  program
    .command('assets')
    .description('the asset inventory: list, get NAME, set NAME (create or change), delete NAME, replace --file FILE')
    .argument('[action]', `one of ${ACTIONS.join(', ')}`, 'list')
    .argument('[name]', 'asset name')
    .option('--data-dir <dir>', 'data directory (edits are kept in DATA_DIR/alerting.db)')
    .option('--config <file>', 'YAML config file (its assets section is the seed)')
    .option('--url <url>', 'work through the API of a running Vigil instead of the data directory')
    .option('--token <token>', 'API token with --url (default VIGIL_ADMIN_TOKEN, else DATA_DIR/admin.token)')
    .option('--kind <kind>', 'set: host, address, network, user or service')
    .option('--match <value>', 'set: a host name, address, CIDR, user or service name (repeatable; replaces the list)', collect, [] as string[])
    .option('--criticality <n>', 'set: 1 (lab) to 5 (crown jewels)')
    .option('--owner <owner>', 'set: owner')
    .option('--environment <env>', 'set: environment (prod, staging, lab, ...)')
    .option('--tag <tag>', 'set: a tag (repeatable; replaces the list)', collect, [] as string[])
    .option('--file <file>', 'replace: YAML or JSON list of assets (- for stdin)')
    .option('--json', 'machine-readable output (the JSON of the API)')
    .action(async (action: string, name: string | undefined, opts: AssetsOpts) => {
      if (!(ACTIONS as readonly string[]).includes(action)) throw new CliExit(2, `unknown action '${safeText(action.slice(0, 64))}' (actions: ${ACTIONS.join(', ')})`);
      return run(action as Action, name, opts);
    });
}
