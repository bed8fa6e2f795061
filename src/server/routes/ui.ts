import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where `npm run build:ui` writes the web UI. */
export const UI_DIR = fileURLToPath(new URL('../../../dist/ui/', import.meta.url));

/**
 * Every value the UI shows comes from log lines an attacker may have written, so the page may run only the bundled
 * scripts: no inline script, no eval, no plugin, no framing, no foreign host.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};
/** A built asset's file name: hashed names from the build, never a path. */
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;

function secure(reply: FastifyReply): FastifyReply {
  return reply
    .header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
    .header('X-Content-Type-Options', 'nosniff')
    .header('Referrer-Policy', 'no-referrer')
    .header('X-Frame-Options', 'DENY')
    .header('Cross-Origin-Opener-Policy', 'same-origin')
    .header('Cross-Origin-Resource-Policy', 'same-origin');
}

async function sendFile(reply: FastifyReply, path: string, ext: string, cache: string): Promise<FastifyReply> {
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new Error('not a file');
    const body = await readFile(path);
    return secure(reply).type(TYPES[ext] ?? 'application/octet-stream').header('Cache-Control', cache).send(body);
  } catch {
    return secure(reply).code(404).type('text/plain; charset=utf-8').send('not found\n');
  }
}

/** Whether a request for / comes from a browser (an Elasticsearch client asking GET / for the cluster info does not). */
function wantsHtml(accept: string | undefined): boolean {
  return accept !== undefined && accept.includes('text/html');
}

/**
 * The web UI at the root of the HTTP port: GET / from a browser (the page) and GET /assets/{file} (the bundle). GET /
 * without Accept: text/html stays the Elasticsearch-compatible cluster info (routes/bulk.ts), so the page is served
 * by an onRequest hook for exactly that path rather than by a second route. The page itself holds no data; every API
 * call it makes carries the bearer token. Only these exact paths are taken, so /api, /metrics, /_bulk and
 * /services/collector are never shadowed.
 */
export function registerUi(app: FastifyInstance, dir: string = UI_DIR): void {
  const config = { ownAuth: true };
  app.addHook('onRequest', async (req, reply) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !wantsHtml(req.headers.accept)) return;
    const path = req.url.split('?')[0];
    if (path !== '/' && path !== '/index.html') return;
    try {
      const html = await readFile(join(dir, 'index.html'));
      await secure(reply).type('text/html; charset=utf-8').header('Cache-Control', 'no-cache').send(html);
    } catch {
      await secure(reply)
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The web UI is not built: run `npm run build:ui` (npm ci builds it), then restart vigil serve.\n');
    }
  });
  app.get('/assets/:file', { config }, async (req, reply) => {
    const { file } = req.params as { file: string };
    if (!ASSET_NAME.test(file) || file.includes('..')) return secure(reply).code(404).type('text/plain; charset=utf-8').send('not found\n');
    const ext = file.slice(file.lastIndexOf('.'));
    return sendFile(reply, join(dir, 'assets', file), ext, 'public, max-age=31536000, immutable');
  });
  app.get('/favicon.svg', { config }, async (_req, reply) => sendFile(reply, join(dir, 'favicon.svg'), '.svg', 'public, max-age=86400'));
}
