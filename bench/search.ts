import { SqliteStore } from '../src/store/sqlite/index.js';
import { isTable, runSearch } from '../src/search/run.js';
import { ipFor } from './corpus.js';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Warm medians of the search targets over whatever the bench store holds. */
export async function benchSearch(dir: string, log: (s: string) => void): Promise<{ name: string; medianMs: number; total: number }[]> {
  const store = new SqliteStore({ dir, readOnly: true });
  await store.open();
  const stats = await store.stats();
  log(`search: ${stats.events} stored events in ${stats.partitions.sealed} sealed + ${stats.partitions.hot + stats.partitions.sealing} unsealed partitions, ${(stats.bytes / 2 ** 30).toFixed(1)} GiB`);
  const cases: [string, string, string][] = [
    ['source.ip (frequent) newest 100, 7 days', `source.ip:${ipFor(3)}`, '-7d'],
    ['source.ip (rare) newest 100, 7 days', `source.ip:${ipFor(45_001)}`, '-7d'],
    ['user.name + outcome newest 100, 7 days', 'user.name:oracle and event.outcome:success', '-7d'],
    ['bare word (common) newest 100, 7 days', 'invalid', '-7d'],
    ['bare word (rare) newest 100, all time', 'xxxxxxxx1a2b', ''],
    ['phrase newest 100, 7 days', '"Accepted publickey for deploy"', '-7d'],
    ['CIDR /16 newest 100, 7 days', 'source.ip:203.0.0.0/16', '-7d'],
    ['stats count() by source.ip top 10, 24 hours', 'event.dataset:sshd | stats count() by source.ip | sort -count | head 10', '-24h'],
    ['timechart span=1h count(), 7 days', '* | timechart span=1h count()', '-7d'],
    ['timechart span=1h count() by outcome, 7 days', '* | timechart span=1h count() by event.outcome', '-7d'],
    ['top 10 user.name, 24 hours', '* | top 10 user.name', '-24h'],
    ['stats dc(source.ip) by host.name, 24 hours', '* | stats dc(source.ip) as ips by host.name | sort -ips | head 5', '-24h'],
  ];
  const out: { name: string; medianMs: number; total: number }[] = [];
  for (const [name, q, from] of cases) {
    const times: number[] = [];
    let total = 0;
    for (let i = 0; i < 23; i++) {
      const t = performance.now();
      const r = await runSearch(store, { q, from, ...(q.includes('|') ? {} : { limit: 100 }) }, Date.now());
      const ms = performance.now() - t;
      total = isTable(r) ? r.rows.length : r.total;
      if (i >= 3) times.push(ms);
    }
    const m = median(times);
    out.push({ name, medianMs: m, total });
    log(`  ${name.padEnd(44)} ${m.toFixed(1).padStart(8)} ms  (q=${q}, ${q.includes('|') ? 'rows' : 'matches'} ${total}${total >= 10_000 ? '+' : ''})`);
  }
  await store.close();
  return out;
}
