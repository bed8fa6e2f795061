import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { VigilError } from './errors.js';
import { SyslogConfigSchema } from '../sources/syslog/config.js';
import { FilesConfigSchema } from '../sources/file/config.js';
import { NetflowConfigSchema } from '../sources/netflow/config.js';
import { parseCidr, parseIp } from '../query/cidr.js';
import { AssetsConfigSchema } from '../enrich/assets-config.js';
import { AlertingConfigSchema } from '../alerting/config.js';
import { NotifyConfigSchema } from '../alerting/notify/config.js';
import { ResponseConfigSchema } from '../alerting/respond/config.js';
import { IntelConfigSchema } from '../enrich/intel/config.js';

const port = z.number().int().min(0).max(65535);

/** The whole configuration: one strict schema (unknown keys are errors), also the source of docs/configuration.md. */
export const ConfigSchema = z.strictObject({
  data_dir: z.string().min(1).default('./data').describe('where events, the catalog and admin.token are kept'),
  http: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1').describe('address the API and UI listen on'),
      port: port.default(8080).describe('HTTP port'),
      body_limit_mb: z.number().positive().max(1024).default(16).describe('largest request body accepted'),
      hec_tokens: z
        .array(z.string().min(16).max(256))
        .max(1000)
        .default([])
        .describe('tokens accepted by the Splunk HEC endpoints (Authorization: Splunk TOKEN) besides the admin token'),
    })
    .prefault({}),
  syslog: SyslogConfigSchema.describe('syslog over UDP, TCP and TLS'),
  files: FilesConfigSchema,
  internal_networks: z
    .array(z.string().refine((v) => parseCidr(v) !== null || parseIp(v) !== null, { message: 'not an address or CIDR' }))
    .max(10_000)
    .default(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', 'fc00::/7', '::1/128'])
    .describe('networks counted as inside: network.direction of flows, the response allowlist, risk'),
  assets: AssetsConfigSchema,
  alerting: AlertingConfigSchema,
  notify: NotifyConfigSchema,
  response: ResponseConfigSchema,
  netflow: NetflowConfigSchema.describe('the NetFlow v5 / v9 / IPFIX collector (UDP)'),
  intel: IntelConfigSchema.describe('threat intelligence: indicator feeds matched against every event (docs/intel.md)'),
  store: z
    .strictObject({
      sync: z.enum(['full', 'normal']).default('full').describe("'full' fsyncs every commit; 'normal' survives a process crash but not a power cut"),
      seal_events: z.number().int().min(1000).max(10_000_000).default(100_000).describe('seal the hot partition at this many events'),
      seal_age_minutes: z.number().positive().default(10).describe('... or when it is this old'),
      retention_days: z.number().positive().optional().describe('delete sealed partitions whose newest event is older'),
    })
    .prefault({}),
  pipeline: z
    .strictObject({
      batch_events: z.number().int().min(1).max(100_000).default(5000).describe('events per store batch at most'),
      queue_events: z.number().int().min(1000).max(10_000_000).default(50_000).describe('events waiting for the store before senders are slowed'),
    })
    .prefault({}),
  rules: z
    .strictObject({
      paths: z.array(z.string().min(1)).max(1000).default([]).describe('Sigma rule files and folders loaded besides the shipped rules/ (also --rules PATH)'),
    })
    .prefault({}),
});

export type Config = z.infer<typeof ConfigSchema>;

function describeIssues(err: z.ZodError): string {
  return err.issues
    .flatMap((i) => {
      // an unknown key is reported at its own path (http.prot), not at the object holding it
      if (i.code === 'unrecognized_keys') return i.keys.map((k) => `${[...i.path, k].join('.')}: unknown key`);
      const path = i.path.length ? i.path.join('.') : '(top level)';
      return [`${path}: ${i.message}`];
    })
    .join('; ');
}

export interface EnvOverrides {
  VIGIL_DATA_DIR?: string | undefined;
  VIGIL_HTTP_PORT?: string | undefined;
  VIGIL_SYSLOG_PORT?: string | undefined;
  VIGIL_NETFLOW_PORT?: string | undefined;
}

function envPort(name: string, v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new VigilError('VIGIL_ERR_CONFIG', `${name}: '${v}' is not a port number`);
  return n;
}

/** Reads and validates the config (file optional), then applies the environment and command-line overrides. */
export function loadConfig(file: string | undefined, env: EnvOverrides, dataDir?: string): Config {
  let raw: unknown = {};
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new VigilError('VIGIL_ERR_CONFIG', `cannot read config ${file}: ${(err as Error).message}`);
    }
    try {
      raw = parseYaml(text) ?? {};
    } catch (err) {
      throw new VigilError('VIGIL_ERR_CONFIG', `config ${file} is not valid YAML: ${(err as Error).message.split('\n')[0] ?? ''}`);
    }
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) throw new VigilError('VIGIL_ERR_CONFIG', `invalid config${file ? ` ${file}` : ''}: ${describeIssues(parsed.error)}`);
  const c = parsed.data;
  if (env.VIGIL_DATA_DIR) c.data_dir = env.VIGIL_DATA_DIR;
  if (dataDir) c.data_dir = dataDir;
  const hp = envPort('VIGIL_HTTP_PORT', env.VIGIL_HTTP_PORT);
  if (hp !== undefined) c.http.port = hp;
  const sp = envPort('VIGIL_SYSLOG_PORT', env.VIGIL_SYSLOG_PORT);
  if (sp !== undefined) c.syslog.port = sp;
  const np = envPort('VIGIL_NETFLOW_PORT', env.VIGIL_NETFLOW_PORT);
  if (np !== undefined) c.netflow.port = np;
  return c;
}
