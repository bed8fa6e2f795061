import type { StreamTransform } from '../core/component.js';
import { getPath, setPath, type EcsEvent } from '../schema/event.js';
import { F } from '../schema/fields.js';
import type { AssetInventory } from './assets.js';

/*
 * Enrichment: stamps each event with the assets it involves, before detection and storage:
 * `source.asset.{name,criticality}`, `destination.asset.*`, `host.asset.*`, `user.asset.*` (ECS has host.asset.* and
 * user.asset.criticality for entity criticality; source and destination follow the same shape). Events already
 * carrying a field keep it. Nothing is read when the inventory is empty.
 */

const ROLES: ReadonlyArray<{ field: string; prefix: string; as: 'ip' | 'host' | 'user' }> = [
  { field: F.sourceIp, prefix: 'source.asset', as: 'ip' },
  { field: F.destinationIp, prefix: 'destination.asset', as: 'ip' },
  { field: F.hostName, prefix: 'host.asset', as: 'host' },
  { field: F.userName, prefix: 'user.asset', as: 'user' },
];

export class AssetStamp implements StreamTransform {
  readonly name = 'assets';
  private lookup: (() => AssetInventory) | undefined;
  /** events that got at least one asset field */
  stamped = 0;

  /** Where the current inventory comes from (set once the alert queue is open). */
  use(lookup: () => AssetInventory): void {
    this.lookup = lookup;
  }

  process(events: readonly EcsEvent[]): void {
    if (!this.lookup || events.length === 0) return;
    let inv: AssetInventory;
    try {
      inv = this.lookup();
    } catch {
      return;
    }
    if (inv.all().length === 0) return;
    for (const e of events) {
      let any = false;
      for (const r of ROLES) {
        const v = getPath(e, r.field);
        if (typeof v !== 'string' || v === '' || getPath(e, `${r.prefix}.criticality`) !== undefined) continue;
        const a = inv.lookup(r.as, v);
        if (!a) continue;
        setPath(e, `${r.prefix}.name`, a.name);
        setPath(e, `${r.prefix}.criticality`, a.criticality);
        any = true;
      }
      if (any) this.stamped++;
    }
  }
}
