/** A small reader for the Prometheus text format of GET /metrics (only what the health page needs). */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseMetrics(text: string, wanted: (name: string) => boolean): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = LINE.exec(line.slice(0, 4096));
    if (!m || !wanted(m[1] as string)) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1] as string] = (l[2] as string).replace(/\\(.)/g, '$1');
    out.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return out;
}

export interface ComponentStats {
  component: string;
  kind: string;
  received: number;
  bytes: number;
  errors: [string, number][];
  dropped: [string, number][];
}

export function byComponent(samples: Sample[]): ComponentStats[] {
  const m = new Map<string, ComponentStats>();
  const get = (s: Sample): ComponentStats => {
    const c = s.labels['component'] ?? '?';
    let cs = m.get(c);
    if (!cs) m.set(c, (cs = { component: c, kind: s.labels['kind'] ?? '', received: 0, bytes: 0, errors: [], dropped: [] }));
    return cs;
  };
  for (const s of samples) {
    if (s.name === 'vigil_component_received_events_total') get(s).received += s.value;
    else if (s.name === 'vigil_component_received_bytes_total') get(s).bytes += s.value;
    else if (s.name === 'vigil_component_errors_total') get(s).errors.push([`${s.labels['error_type'] ?? '?'} (${s.labels['stage'] ?? '?'})`, s.value]);
    else if (s.name === 'vigil_component_discarded_events_total') get(s).dropped.push([`${s.labels['reason'] ?? '?'}${s.labels['intentional'] === 'true' ? ', intentional' : ''}`, s.value]);
  }
  return [...m.values()];
}
