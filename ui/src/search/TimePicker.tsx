import { useState, type ReactNode } from 'react';

export const RELATIVE: [string, string][] = [
  ['-15m', 'Last 15 minutes'],
  ['-1h', 'Last hour'],
  ['-24h', 'Last 24 hours'],
  ['-7d', 'Last 7 days'],
  ['-30d', 'Last 30 days'],
  ['', 'All time'],
];

function toLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}
function fromLocalInput(v: string): string {
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

/** Relative ranges (`-24h` … all time) or an absolute from/to; values are what the API's from/to take. */
export function TimePicker({ from, to, onChange }: { from: string; to: string; onChange: (from: string, to: string) => void }): ReactNode {
  const absolute = from !== '' && !from.startsWith('-');
  const [custom, setCustom] = useState(absolute);
  const [a, setA] = useState(absolute ? toLocalInput(from) : '');
  const [b, setB] = useState(absolute && to !== '' ? toLocalInput(to) : '');
  const selectValue = custom || absolute ? 'custom' : from;
  return (
    <div className="timepicker">
      <label>
        <span className="sr-only">Time range</span>
        <select
          aria-label="Time range"
          value={selectValue}
          onChange={(e) => {
            if (e.target.value === 'custom') {
              setCustom(true);
              return;
            }
            setCustom(false);
            onChange(e.target.value, '');
          }}
        >
          {RELATIVE.map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          ))}
          <option value="custom">Absolute…</option>
        </select>
      </label>
      {(custom || absolute) && (
        <form
          className="abs"
          onSubmit={(e) => {
            e.preventDefault();
            const f = fromLocalInput(a);
            if (f !== '') onChange(f, fromLocalInput(b));
          }}
        >
          <label>
            From <input type="datetime-local" value={a} onChange={(e) => setA(e.target.value)} required />
          </label>
          <label>
            To <input type="datetime-local" value={b} onChange={(e) => setB(e.target.value)} />
          </label>
          <button type="submit">Apply</button>
        </form>
      )}
    </div>
  );
}

export function describeRange(from: string, to: string): string {
  const rel = RELATIVE.find(([v]) => v === from && to === '');
  if (rel) return rel[1];
  return `${from === '' ? 'the beginning' : from} → ${to === '' ? 'now' : to}`;
}
