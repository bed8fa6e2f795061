import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { show } from '../safe';
import type { Doc } from '../types';
import { EventDetail, EventTime, summary } from './EventRow';

/**
 * The events of a search, virtualised: only the rows in view (plus a few) are in the DOM, so 10,000 rows scroll
 * as smoothly as 100. A row expands (click, Enter or Space) into its fields and JSON.
 */
export function ResultsTable({ events, onFilter}: { events: Doc[]; onFilter: (field: string, value: unknown, negate: boolean) => void }): ReactNode {
  const parent = useRef<HTMLDivElement>(null);
  const [open, setOpen] = useState<Set<string>>(() => new Set());
  const keyOf = (e: Doc, i: number): string => (typeof e.id === 'string' ? e.id : `i${i}`);
  const v = useVirtualizer({
    count: events.length,
    getScrollElement: () => parent.current,
    estimateSize: () => 30,
    overscan: 8,
    getItemKey: (i) => keyOf(events[i] ?? {}, i),
  });
  const toggle = (k: string): void =>
    setOpen((s) => {
      const n = new Set(s);
      if (n.has(k)) n.delete(k);
      else n.add(k);
      return n;
    });
  const onKey = (e: KeyboardEvent<HTMLDivElement>, k: string, i: number): void => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      toggle(k);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = i + (e.key === 'ArrowDown' ? 1 : -1);
      if (next < 0 || next >= events.length) return;
      v.scrollToIndex(next);
      requestAnimationFrame(() => parent.current?.querySelector<HTMLElement>(`[data-index="${next}"] .row-head`)?.focus());
    }
  };
  return (
    <div className="results" role="table" aria-label="Matching events" aria-rowcount={events.length}>
      <div className="results-head" role="row">
        <span role="columnheader" className="time">
          Time (UTC)
        </span>
        <span role="columnheader">Event</span>
      </div>
      <div ref={parent} className="results-scroll">
        <div className="results-inner" ref={(el) => void (el && (el.style.height = `${v.getTotalSize()}px`))}>
          {v.getVirtualItems().map((it) => {
            const e = events[it.index] ?? {};
            const k = keyOf(e, it.index);
            const isOpen = open.has(k);
            return (
              <div
                key={it.key}
                data-index={it.index}
                ref={(el) => {
                  if (!el) return;
                  el.style.transform = `translateY(${it.start}px)`;
                  v.measureElement(el);
                }}
                className={`row${isOpen ? ' open' : ''}`}
                role="row"
                aria-rowindex={it.index + 1}
              >
                <div className="row-head" tabIndex={0} role="button" aria-expanded={isOpen} onClick={() => toggle(k)} onKeyDown={(ev) => onKey(ev, k, it.index)}>
                  <span className="chev" aria-hidden="true">
                    {isOpen ? '▾' : '▸'}
                  </span>
                  <EventTime e={e} />
                  <span className="dataset">{show((e['event'] as Record<string, unknown> | undefined)?.['dataset'])}</span>
                  <span className="msg">{show(summary(e))}</span>
                </div>
                {isOpen && <EventDetail event={e} onFilter={onFilter} />}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
