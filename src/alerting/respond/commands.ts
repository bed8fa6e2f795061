import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { VigilError, errorMessage } from '../../core/errors.js';
import type { BlockTarget } from './address.js';
import type { BlockActionConfig } from './config.js';

/** The shipped command templates (nftables, iptables, ipset). */
export const TEMPLATE_DIR = fileURLToPath(new URL('../../../contrib/response/', import.meta.url));

const argv = z.array(z.string().max(4096)).min(1).max(256);
const TemplateSchema = z.looseObject({
  block: argv,
  unblock: argv,
  block_v6: argv.optional(),
  unblock_v6: argv.optional(),
});

export interface BlockCommands {
  block: string[];
  unblock: string[];
  block6: string[];
  unblock6: string[];
}

/** The block and unblock argv of an action: its own, or those of the template it names. */
export function blockCommands(a: BlockActionConfig): BlockCommands {
  if (a.template === undefined) {
    const block = a.block_command as string[];
    const unblock = a.unblock_command as string[];
    return { block, unblock, block6: a.block_command_v6 ?? block, unblock6: a.unblock_command_v6 ?? unblock };
  }
  const file = /^[a-z0-9_-]+$/.test(a.template) ? `${TEMPLATE_DIR}${a.template}.yml` : a.template;
  if (!existsSync(file)) throw new VigilError('VIGIL_ERR_CONFIG', `response action ${a.name}: no command template ${a.template} (${file})`);
  let t: z.infer<typeof TemplateSchema>;
  try {
    t = TemplateSchema.parse(parseYaml(readFileSync(file, 'utf8')));
  } catch (err) {
    throw new VigilError('VIGIL_ERR_CONFIG', `response action ${a.name}: template ${file} is not valid: ${errorMessage(err).slice(0, 300)}`);
  }
  return { block: t.block, unblock: t.unblock, block6: t.block_v6 ?? t.block, unblock6: t.unblock_v6 ?? t.unblock };
}

const VAR = /\{\{\s*(address|ip|family|ttl)\s*\}\}/g;

/** Fills {{address}} (the target: an address or an IPv6 network), {{ip}}, {{family}} (4 or 6) and {{ttl}} (whole seconds, rounded up) into argv. */
export function fill(args: readonly string[], t: BlockTarget, ttlSeconds: number): string[] {
  const vars: Record<string, string> = { address: t.target, ip: t.ip, family: String(t.family), ttl: String(Math.max(1, Math.ceil(ttlSeconds))) };
  return args.map((a) => a.replace(VAR, (_m, k: string) => vars[k] ?? ''));
}

export interface RunResult {
  ok: boolean;
  output: string;
}

const MAX_OUTPUT = 64 * 1024;

/** Runs argv with execFile (no shell), a timeout and bounded output; never throws. `input` goes to stdin. */
export function run(args: readonly string[], timeoutMs: number, input?: string): Promise<RunResult> {
  const [file, ...rest] = args;
  if (file === undefined || file === '') return Promise.resolve({ ok: false, output: 'empty command' });
  return new Promise((resolve) => {
    try {
      const opts = { timeout: timeoutMs, killSignal: 'SIGKILL' as const, maxBuffer: MAX_OUTPUT, windowsHide: true, encoding: 'utf8' as const, env: { ...process.env, LC_ALL: 'C' } };
      const child = execFile(file, rest, opts, (err, stdout: string, stderr: string) => {
        const out = `${stdout}${stderr}`.trim().slice(0, 4096);
        if (!err) return resolve({ ok: true, output: out });
        const { killed, code } = err as { killed?: boolean; code?: unknown };
        const why = killed === true ? `killed after ${timeoutMs} ms` : typeof code === 'number' ? `exit status ${String(code)}` : errorMessage(err);
        resolve({ ok: false, output: out ? `${why}: ${out}` : why });
      });
      child.stdin?.on('error', () => {});
      child.stdin?.end(input ?? '');
    } catch (err) {
      resolve({ ok: false, output: errorMessage(err) });
    }
  });
}
