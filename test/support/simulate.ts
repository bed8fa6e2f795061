import type { ChildProcess } from 'node:child_process';
import { runVigil, type Server, type VigilRun } from './serve.js';

export type SimulateRun = VigilRun;

/** Runs `vigil simulate ARGS` against a server (killed after `timeoutMs`): exit code, stdout, stderr. */
export function runSimulate(server: Server, token: string, children: Set<ChildProcess>, args: string[], timeoutMs: number): Promise<SimulateRun> {
  return runVigil(['simulate', ...args, '--target', server.base, '--token', token], { children, timeoutMs });
}
