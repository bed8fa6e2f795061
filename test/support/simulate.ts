import { spawn, type ChildProcess } from 'node:child_process';
import { cleanEnv, VIGIL, type Server } from './serve.js';

export interface SimulateRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `vigil simulate ARGS` against a server (killed after `timeoutMs`): exit code, stdout, stderr. */
export function runSimulate(server: Server, token: string, children: Set<ChildProcess>, args: string[], timeoutMs: number): Promise<SimulateRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [VIGIL, 'simulate', ...args, '--target', server.base, '--token', token], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}
