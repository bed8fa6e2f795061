import { useState, type ReactNode } from 'react';
import { call } from '../api';
import { ErrorBox, Loading } from '../components/Status';
import { useApi } from '../hooks';
import { show } from '../safe';
import type { Asset } from '../types';

const KINDS: Asset['kind'][] = ['host', 'address', 'network', 'user', 'service'];
const split = (s: string): string[] =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');

/** The asset inventory with criticality; each row is editable and saved with PUT /assets/{name}. */
export function AssetsPage(): ReactNode {
  const list = useApi<{ assets: Asset[]; internal_networks?: string[] }>('/assets');
  const [err, setErr] = useState<unknown>(undefined);
  const [msg, setMsg] = useState('');
  const save = (a: Asset): void => {
    setErr(undefined);
    call(`/assets/${encodeURIComponent(a.name)}`, { method: 'PUT', body: a })
      .then(() => {
        setMsg(`saved ${a.name}`);
        list.reload();
      })
      .catch((e: unknown) => setErr(e));
  };
  const remove = (name: string): void => {
    setErr(undefined);
    call(`/assets/${encodeURIComponent(name)}`, { method: 'DELETE' })
      .then(() => {
        setMsg(`deleted ${name}`);
        list.reload();
      })
      .catch((e: unknown) => setErr(e));
  };
  return (
    <section className="page" aria-labelledby="h-assets">
      <div className="page-head">
        <h1 id="h-assets" tabIndex={-1}>
          Assets
        </h1>
        <Loading on={list.loading && !list.data} />
      </div>
      <ErrorBox error={list.error} what="Asset inventory" />
      <ErrorBox error={err} what="Saving the asset" />
      {msg !== '' && <p role="status">{show(msg)}</p>}
      {list.data && (
        <>
          <p className="muted">Internal networks: {show((list.data.internal_networks ?? []).join(', ') || 'none configured')}</p>
          <div className="table-scroll">
            <table className="data assets">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Matches</th>
                  <th scope="col">Criticality</th>
                  <th scope="col">Owner</th>
                  <th scope="col">Environment</th>
                  <th scope="col">Tags</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {list.data.assets.map((a) => (
                  <AssetRow key={a.name} asset={a} onSave={save} onDelete={() => remove(a.name)} />
                ))}
                <AssetRow key={`new-${list.data.assets.length}`} onSave={save} />
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function AssetRow({ asset, onSave, onDelete }: { asset?: Asset; onSave: (a: Asset) => void; onDelete?: () => void }): ReactNode {
  const [name, setName] = useState(asset?.name ?? '');
  const [kind, setKind] = useState<Asset['kind']>(asset?.kind ?? 'host');
  const [match, setMatch] = useState((asset?.match ?? []).join(', '));
  const [crit, setCrit] = useState(asset?.criticality ?? 3);
  const [owner, setOwner] = useState(asset?.owner ?? '');
  const [env, setEnv] = useState(asset?.environment ?? '');
  const [tags, setTags] = useState((asset?.tags ?? []).join(', '));
  const label = asset ? show(asset.name) : 'new asset';
  const submit = (): void => {
    const a: Asset = { name: name.trim(), kind, match: split(match), criticality: crit, tags: split(tags) };
    if (owner.trim() !== '') a.owner = owner.trim();
    if (env.trim() !== '') a.environment = env.trim();
    onSave(a);
  };
  return (
    <tr className={asset ? '' : 'new-row'}>
      <td>{asset ? <span>{show(asset.name)}</span> : <input aria-label="New asset name" value={name} onChange={(e) => setName(e.target.value)} placeholder="new asset name" />}</td>
      <td>
        <select aria-label={`Kind of ${label}`} value={kind} onChange={(e) => setKind(e.target.value as Asset['kind'])}>
          {KINDS.map((k) => (
            <option key={k}>{k}</option>
          ))}
        </select>
      </td>
      <td>
        <input aria-label={`Matches of ${label}`} value={match} onChange={(e) => setMatch(e.target.value)} placeholder="10.0.0.5, web-01" />
      </td>
      <td>
        <select aria-label={`Criticality of ${label}`} value={crit} onChange={(e) => setCrit(Number(e.target.value))}>
          {[1, 2, 3, 4, 5].map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </td>
      <td>
        <input aria-label={`Owner of ${label}`} value={owner} onChange={(e) => setOwner(e.target.value)} />
      </td>
      <td>
        <input aria-label={`Environment of ${label}`} value={env} onChange={(e) => setEnv(e.target.value)} />
      </td>
      <td>
        <input aria-label={`Tags of ${label}`} value={tags} onChange={(e) => setTags(e.target.value)} />
      </td>
      <td className="actions">
        <button type="button" onClick={submit} disabled={!asset && name.trim() === ''}>
          {asset ? 'Save' : 'Add'}
        </button>
        {onDelete && (
          <button type="button" onClick={onDelete} aria-label={`Delete ${label}`}>
            Delete
          </button>
        )}
      </td>
    </tr>
  );
}
