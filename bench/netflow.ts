import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InternalNetworks } from '../src/codecs/flow/direction.js';
import { flowToEcs, NetflowDecoder, type FlowRecord } from '../src/codecs/netflow/index.js';
import { DATA, pcapDatagrams, rawDatagrams } from '../src/codecs/netflow/testing/captures.js';

/**
 * NetFlow/IPFIX decode throughput on the captured exports of captures/flow/all-attacks.pcap (softflowd v5, v9, IPFIX;
 * pmacct IPFIX): the datagrams decoded in a loop on the calling thread (one core), records/s; then decode plus the
 * ECS event per record. Side by side: nfdump reading the same flows from the files nfcapd wrote while the same
 * datagrams were sent to it (the file copied to reach ~200,000 flows, so process start-up does not dominate).
 */
const FLOW = new URL('captures/flow/', DATA);
const SECONDS = Number(process.env['BENCH_NETFLOW_SECONDS'] ?? 3);

async function corpora(): Promise<[string, Uint8Array[]][]> {
  return [
    ['softflowd v5', rawDatagrams(new URL('softflowd-v5/raw/', FLOW))],
    ['softflowd v9', rawDatagrams(new URL('softflowd-v9/raw/', FLOW))],
    ['softflowd IPFIX', rawDatagrams(new URL('softflowd-ipfix-milli/raw/', FLOW))],
    ['pmacct IPFIX', (await pcapDatagrams(new URL('pmacct-ipfix/datagrams.pcap', FLOW))).map((d) => d.payload)],
  ];
}

function rate(dgrams: readonly Uint8Array[], withEcs: boolean): { perSec: number; records: number } {
  const d = new NetflowDecoder();
  const nets = new InternalNetworks(['10.0.0.0/8', '127.0.0.0/8']);
  const out: FlowRecord[] = [];
  let records = 0;
  let sink = 0;
  const pass = (): void => {
    for (const g of dgrams) {
      out.length = 0;
      d.decode(g, '127.0.0.1', 0, out);
      records += out.length;
      if (withEcs) for (const r of out) sink += Object.keys(flowToEcs(r, nets)).length;
    }
  };
  for (let i = 0; i < 20; i++) pass(); // warm-up
  records = 0;
  const t = performance.now();
  let elapsed = 0;
  while (elapsed < SECONDS * 1000) {
    pass();
    elapsed = performance.now() - t;
  }
  if (sink < 0) throw new Error('unreachable');
  return { perSec: records / (elapsed / 1000), records };
}

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** Sends the datagrams to a fresh nfcapd, then times `nfdump -R` over `copies` copies of the file it wrote. */
async function nfdumpRate(dgrams: readonly Uint8Array[], copies: number): Promise<{ perSec: number; flows: number } | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-nf-'));
  try {
    const port = await new Promise<number>((resolve) => {
      const s = createSocket('udp4');
      s.bind(0, '127.0.0.1', () => {
        const p = s.address().port;
        s.close(() => resolve(p));
      });
    });
    const cap = join(dir, 'cap');
    mkdirSync(cap);
    const nfcapd = spawn('nfcapd', ['-b', '127.0.0.1', '-p', String(port), '-w', cap, '-t', '60', '-B', '4194304'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    nfcapd.stdout.on('data', (b: Buffer) => (out += b.toString()));
    nfcapd.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const deadline = Date.now() + 10_000;
    while (!/Startup/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const s = createSocket('udp4');
    for (const g of dgrams) await new Promise<void>((resolve) => s.send(g, port, '127.0.0.1', () => resolve()));
    s.close();
    await new Promise((r) => setTimeout(r, 500));
    const done = new Promise((r) => nfcapd.once('exit', r));
    nfcapd.kill('SIGTERM');
    await Promise.race([done, new Promise((r) => setTimeout(r, 10_000))]);
    const file = readdirSync(cap).find((f) => f.startsWith('nfcapd.') && !f.includes('current'));
    if (!file) return undefined;
    const many = join(dir, 'many');
    mkdirSync(many);
    for (let i = 0; i < copies; i++) copyFileSync(join(cap, file), join(many, `nfcapd.2026112700${String(i).padStart(4, '0')}`));
    const t = performance.now();
    const r = spawnSync('sh', ['-c', `nfdump -R '${many}' -q -N -o 'fmt:%ts,%te,%td,%pr,%sa,%sp,%da,%dp,%flg,%pkt,%byt' | wc -l`], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const secs = (performance.now() - t) / 1000;
    const flows = Number(r.stdout.trim());
    if (r.status !== 0 || !(flows > 0)) return undefined;
    return { perSec: flows / secs, flows };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchNetflow(log: (s: string) => void): Promise<void> {
  if (!existsSync(FLOW)) {
    log('netflow: ../shared/data/captures/flow is not beside the checkout; skipped');
    return;
  }
  for (const [name, dgrams] of await corpora()) {
    const dec = rate(dgrams, false);
    const ecs = rate(dgrams, true);
    log(`netflow decode, ${name} (${dgrams.length} datagrams, 4426 flows per pass): ${Math.round(dec.perSec)} records/s; decode + ECS event: ${Math.round(ecs.perSec)} records/s (one core, ${SECONDS} s each)`);
  }
  if (!has('nfcapd') || !has('nfdump')) {
    log('nfdump: not installed (apt-get install nfdump); comparison skipped');
    return;
  }
  for (const [name, dgrams] of (await corpora()).slice(0, 3)) {
    const nf = await nfdumpRate(dgrams, 50);
    if (nf) log(`nfdump -R (files nfcapd wrote from the ${name} export, 50 copies): ${nf.flows} flows, ${Math.round(nf.perSec)} flows/s (text output, one process)`);
    else log(`nfdump: no file from the ${name} export`);
  }
}
