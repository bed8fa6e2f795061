import { useEffect, useRef, type ReactNode } from 'react';
import uPlot from 'uplot';
import { show } from '../safe';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
}

const PALETTE = ['#6cb6ff', '#f0883e', '#56d364', '#f778ba', '#d2a8ff', '#e3b341', '#79c0ff', '#ff7b72'];

/**
 * A time chart with uPlot: x in epoch milliseconds, one line (or bars) per series. Drag-selecting a range calls
 * `onSelect(fromMs, toMs)` (the search histogram zooms with it).
 */
export function TimeChart(props: {
  times: number[];
  series: ChartSeries[];
  height?: number;
  bars?: boolean;
  label: string;
  onSelect?: (from: number, to: number) => void;
}): ReactNode {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const onSelect = useRef(props.onSelect);
  onSelect.current = props.onSelect;
  const { times, series, height = 180, bars = false } = props;
  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const xs = times.map((t) => t / 1000);
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      cursor: { drag: { x: true, y: false, setScale: false } },
      legend: { show: series.length > 1 },
      scales: { x: { time: true } },
      axes: [
        { stroke: '#c9d1d9', grid: { stroke: '#30363d' }, ticks: { stroke: '#30363d' } },
        { stroke: '#c9d1d9', grid: { stroke: '#30363d' }, ticks: { stroke: '#30363d' }, size: 50 },
      ],
      series: [
        {},
        ...series.map((s, i): uPlot.Series => {
          const o: uPlot.Series = { label: s.label, stroke: PALETTE[i % PALETTE.length] ?? '#6cb6ff', width: 1.5 };
          if (series.length === 1) o.fill = 'rgba(108,182,255,0.25)';
          const barPaths = bars ? uPlot.paths.bars?.({ size: [0.9, 40] }) : undefined;
          if (barPaths) {
            o.paths = barPaths;
            o.points = { show: false };
          }
          return o;
        }),
      ],
      hooks: {
        setSelect: [
          (u: uPlot) => {
            const cb = onSelect.current;
            if (!cb || u.select.width < 3) return;
            const a = u.posToVal(u.select.left, 'x');
            const b = u.posToVal(u.select.left + u.select.width, 'x');
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            cb(Math.floor(a * 1000), Math.ceil(b * 1000));
          },
        ],
      },
    };
    const data: uPlot.AlignedData = [xs, ...series.map((s) => s.values)];
    const u = new uPlot(opts, data, el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [times, series, height, bars]);
  return <div className="chart" ref={box} role="img" aria-label={props.label} />;
}

/** A small horizontal bar list (top values), drawn with elements rather than a canvas so it stays readable text. */
export function BarList({ items, label, onPick }: { items: [string, number][]; label: string; onPick?: (v: string) => void }): ReactNode {
  const max = items.reduce((m, [, n]) => Math.max(m, n), 0) || 1;
  return (
    <ul className="barlist" aria-label={label}>
      {items.map(([k, n]) => (
        <li key={k}>
          {onPick ? (
            <button type="button" className="linkish" onClick={() => onPick(k)} title="add as a filter">
              {show(k)}
            </button>
          ) : (
            <span className="bl-key">{show(k)}</span>
          )}
          <span className="bl-bar" aria-hidden="true">
            <span className="bl-fill" ref={(e) => void (e && (e.style.width = `${Math.round((n / max) * 100)}%`))} />
          </span>
          <span className="bl-n">{n}</span>
        </li>
      ))}
    </ul>
  );
}
