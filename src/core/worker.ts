import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread from a TypeScript or JavaScript module URL. Under a TypeScript loader the worker registers
 * the same loader before importing its module, so source and built code run alike.
 */
export function startWorker(moduleUrl: URL, workerData: unknown): Worker {
  if (moduleUrl.pathname.endsWith('.ts')) {
    // Resolved here, not in the worker: an eval'd worker resolves bare names from the working directory.
    const loader = import.meta.resolve('tsx/esm/api');
    const boot =
      `import(${JSON.stringify(loader)}).then((m) => { m.register(); return import(${JSON.stringify(moduleUrl.href)}); })` +
      `.catch((e) => { setImmediate(() => { throw e; }); });`;
    return new Worker(boot, { eval: true, workerData });
  }
  return new Worker(moduleUrl, { workerData });
}
