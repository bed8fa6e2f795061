/**
 * Node options `vigil` runs with: the shebang of bin/vigil.js and `npm start` pass them (node-flags.test.ts keeps the
 * three in step), and the syslog benchmark starts the server with them.
 *
 * `--max-semi-space-size=64`: V8's young generation holds what a burst of ingest allocates (records, event objects,
 * encoded batches waiting for the writer). At its default size it is collected about 500 times for 1,000,000 loggen
 * messages, copying the batches still in flight each time; at 64 MB, 170 times, and the main thread spends 0.85 s in
 * collection instead of 1.5 s (docs/benchmarks.md). The price is memory: the benchmark's peak RSS rose from 460–506 MiB
 * to 589–626 MiB.
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
