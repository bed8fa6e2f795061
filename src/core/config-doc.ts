import { z } from 'zod';
import { ConfigSchema } from './config.js';

interface JsonSchemaNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  required?: string[];
}

function typeText(n: JsonSchemaNode): string {
  if (n.enum) return n.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (n.type === 'array' && n.items) return n.items.enum ? `array of ${typeText(n.items)}` : `${typeText(n.items)}[]`;
  const t = Array.isArray(n.type) ? n.type.join('|') : (n.type ?? 'any');
  const bounds: string[] = [];
  if (n.minimum !== undefined) bounds.push(`≥ ${n.minimum}`);
  if (n.exclusiveMinimum !== undefined) bounds.push(`> ${n.exclusiveMinimum}`);
  if (n.maximum !== undefined) bounds.push(`≤ ${n.maximum}`);
  return bounds.length ? `${t} (${bounds.join(', ')})` : t;
}

function rows(node: JsonSchemaNode, prefix: string, out: string[]): void {
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (child.properties) {
      rows(child, path, out);
      continue;
    }
    out.push(row(path, child, node.required?.includes(key) === true));
    // an array of objects (`files`): each key of its items, as `files[].path`
    if (child.items?.properties) rows(child.items, `${path}[]`, out);
  }
}

function row(path: string, n: JsonSchemaNode, required: boolean): string {
  const def = n.default !== undefined ? `\`${JSON.stringify(n.default)}\`` : required ? 'required' : '—';
  return `| \`${path}\` | ${typeText(n)} | ${def} | ${n.description ?? ''} |`;
}

/** The configuration reference, generated from the schema that validates the config. */
export function configReference(): string {
  const schema = z.toJSONSchema(ConfigSchema, { io: 'input' }) as JsonSchemaNode;
  const out = [
    '# Configuration reference',
    '',
    'Generated from the schema that validates the config (`src/core/config.ts`); `npm run docs:config` rewrites this file.',
    'The config file is YAML, given with `vigil serve --config FILE`. Every key is optional unless marked required; an unknown key or a bad value',
    'stops start-up with the key\'s path and the reason. `VIGIL_DATA_DIR`, `VIGIL_HTTP_PORT`, `VIGIL_SYSLOG_PORT` and',
    '`VIGIL_NETFLOW_PORT` override the file; `--data-dir` overrides both. `VIGIL_ADMIN_TOKEN` sets the API token instead of',
    '`DATA_DIR/admin.token`.',
    '',
    '| key | type | default | meaning |',
    '|---|---|---|---|',
  ];
  rows(schema, '', out);
  return `${out.join('\n')}\n`;
}
