import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { call, qs } from '../api';
import { show } from '../safe';
import type { TableResult } from '../types';
import { completing, tokenize, type Completing } from './tokens';

const valueCache = new Map<string, string[]>();

/**
 * The query bar: a text input over a highlighted copy of the query (tokens rendered as text in spans), with
 * autocompletion of field names (GET /fields) and values (a `| top 10 FIELD` query). Keyboard: ↑/↓ pick a
 * suggestion, Tab or Enter accept it, Escape closes the list, Enter runs the query.
 */
export function QueryBar(props: { value: string; onChange: (q: string) => void; onRun: (q: string) => void; fields: string[]; from: string; to: string }): ReactNode {
  const input = useRef<HTMLInputElement>(null);
  const hl = useRef<HTMLDivElement>(null);
  const [caret, setCaret] = useState(0);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [values, setValues] = useState<string[]>([]);
  const tokens = useMemo(() => tokenize(props.value), [props.value]);
  const comp: Completing | undefined = useMemo(() => completing(props.value, caret), [props.value, caret]);

  useEffect(() => {
    if (!comp || comp.kind !== 'value' || comp.field === undefined || !props.fields.includes(comp.field)) {
      setValues([]);
      return undefined;
    }
    const field = comp.field;
    const key = `${field}\u0000${props.from}\u0000${props.to}`;
    const hit = valueCache.get(key);
    if (hit) {
      setValues(hit);
      return undefined;
    }
    const ctl = new AbortController();
    const t = setTimeout(() => {
      call<TableResult>(`/search${qs({ q: `${field}:* | top 10 ${field}`, from: props.from, to: props.to, budget_ms: 3000 })}`, { signal: ctl.signal })
        .then((r) => {
          const vs = r.rows.map((row) => (typeof row[0] === 'string' ? row[0] : JSON.stringify(row[0]))).filter((x): x is string => typeof x === 'string');
          valueCache.set(key, vs);
          setValues(vs);
        })
        .catch(() => setValues([]));
    }, 150);
    return () => {
      clearTimeout(t);
      ctl.abort();
    };
  }, [comp?.kind, comp?.field, props.fields, props.from, props.to]);

  const suggestions = useMemo(() => {
    if (!comp) return [];
    const p = comp.prefix.toLowerCase();
    const pool = comp.kind === 'field' ? props.fields : values;
    return pool.filter((s) => s.toLowerCase().startsWith(p) && s !== comp.prefix).slice(0, 12);
  }, [comp, props.fields, values]);
  const showList = open && suggestions.length > 0;

  const accept = (s: string): void => {
    if (!comp) return;
    const text = comp.kind === 'field' ? `${s}:` : /^[\w.@/-]+$/.test(s) ? s : `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
    const next = props.value.slice(0, comp.start) + text + props.value.slice(comp.end);
    props.onChange(next);
    const pos = comp.start + text.length;
    setCaret(pos);
    setOpen(comp.kind === 'field');
    requestAnimationFrame(() => input.current?.setSelectionRange(pos, pos));
  };

  const onKey = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (showList && e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => (a + 1) % suggestions.length);
    } else if (showList && e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => (a - 1 + suggestions.length) % suggestions.length);
    } else if (showList && (e.key === 'Tab' || (e.key === 'Enter' && active >= 0))) {
      const s = suggestions[active];
      if (s !== undefined) {
        e.preventDefault();
        accept(s);
      }
    } else if (e.key === 'Escape') {
      setOpen(false);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      setOpen(false);
      props.onRun(props.value);
    }
  };

  const sync = (): void => {
    const el = input.current;
    if (!el) return;
    setCaret(el.selectionStart ?? el.value.length);
    if (hl.current) hl.current.style.transform = `translateX(${-el.scrollLeft}px)`;
  };

  return (
    <div className="qbar">
      <div className="qbar-field">
        <div className="qbar-hl" aria-hidden="true">
          <div ref={hl} className="qbar-hl-inner">
            {tokens.map((t) => (
              <span key={t.start} className={`tk tk-${t.kind}`}>
                {show(t.text) === t.text ? t.text : t.text.replace(/[^\x20-\x7e]/g, ' ')}
              </span>
            ))}
          </div>
        </div>
        <input
          ref={input}
          className="qbar-input"
          type="text"
          role="combobox"
          aria-label="Query"
          aria-expanded={showList}
          aria-controls="qbar-suggestions"
          aria-autocomplete="list"
          aria-activedescendant={showList ? `qs-${active}` : undefined}
          spellCheck={false}
          autoComplete="off"
          value={props.value}
          placeholder='e.g. event.outcome:failure and source.ip:203.0.113.0/24 | stats count() by user.name'
          onChange={(e) => {
            props.onChange(e.target.value);
            setOpen(true);
            setActive(0);
            requestAnimationFrame(sync);
          }}
          onKeyDown={onKey}
          onKeyUp={sync}
          onClick={sync}
          onScroll={sync}
          onSelect={sync}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
        />
      </div>
      {showList && (
        <ul id="qbar-suggestions" className="suggestions" role="listbox" aria-label={comp?.kind === 'field' ? 'Field names' : 'Values'}>
          {suggestions.map((s, i) => (
            <li
              key={s}
              id={`qs-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : ''}
              onMouseDown={(e) => {
                e.preventDefault();
                accept(s);
              }}
            >
              {show(s)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
