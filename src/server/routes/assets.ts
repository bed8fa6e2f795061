import type { FastifyInstance, FastifyReply } from 'fastify';
import { isObject } from '../../schema/event.js';
import { parseAsset, parseAssetList } from '../../enrich/assets-config.js';
import type { AssetStore } from '../../enrich/assets-store.js';
import type { AppDeps } from '../app.js';
import { HttpError } from '../errors.js';

/** The asset inventory: GET /assets, PUT /assets (replace all), PUT /assets/{name} (upsert one), DELETE /assets/{name}. */
export function registerAssets(app: FastifyInstance, deps: AppDeps): void {
  const store: AssetStore | undefined = deps.alerting?.assets;
  const notAvailable = (reply: FastifyReply): FastifyReply =>
    reply.code(501).send({ error: { code: 'VIGIL_ERR_NOT_AVAILABLE', message: 'the asset inventory needs the alert queue, which this server runs without' } });
  const answer = (s: AssetStore): Record<string, unknown> => ({ assets: s.list(), internal_networks: s.internal });

  app.get('/api/v1/assets', async (_req, reply) => (store ? answer(store) : notAvailable(reply)));
  app.put('/api/v1/assets', async (req, reply) => {
    if (!store) return notAvailable(reply);
    const body = req.body;
    if (!isObject(body) || !Object.hasOwn(body, 'assets')) throw new HttpError(400, 'VIGIL_ERR_BAD_REQUEST', 'assets: the body is {"assets": [...]}');
    const extra = Object.keys(body).filter((k) => k !== 'assets' && k !== 'internal_networks');
    if (extra.length > 0) throw new HttpError(400, 'VIGIL_ERR_BAD_REQUEST', `${extra[0] ?? ''}: unknown key`);
    store.replaceAll(parseAssetList(body['assets']), Date.now());
    return answer(store);
  });
  app.put('/api/v1/assets/:name', async (req, reply) => {
    if (!store) return notAvailable(reply);
    const { name } = req.params as { name: string };
    const body: unknown = req.body;
    if (!isObject(body)) throw new HttpError(400, 'VIGIL_ERR_BAD_REQUEST', '(top level): the body is one asset object');
    if (body['name'] !== undefined && body['name'] !== name) throw new HttpError(400, 'VIGIL_ERR_BAD_REQUEST', `name: the body's name differs from the path's '${name.slice(0, 64)}'`);
    const asset = parseAsset({ ...body, name });
    store.upsert(asset, Date.now());
    return asset;
  });
  app.delete('/api/v1/assets/:name', async (req, reply) => {
    if (!store) return notAvailable(reply);
    const { name } = req.params as { name: string };
    if (!store.delete(name, Date.now())) throw new HttpError(404, 'VIGIL_ERR_NOT_FOUND', `no asset ${name.slice(0, 128)}`);
    return { deleted: name };
  });
}
