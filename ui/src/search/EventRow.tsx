import { useState, type ReactNode } from 'react';
import { fmtTime, flatten, prettyJson, safeHttpUrl, show } from '../safe';
import type { Doc } from '../types';

/** One line of summary for an event: its message, else the original line, else the JSON. */
export function summary(e: Doc): string {
  const msg = e['message'];
  if (typeof msg === 'string' && msg !== '') return msg;
  const orig = (e['event'] as Record<string, unknown> | undefined)?.['original'];
  if (typeof orig === 'string') return orig;
  return JSON.stringify(e);
}

async function copy(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** The expanded view of an event: a field/value table (copy, filter for, filter out) and the ECS JSON as text. */
export function EventDetail({ event, onFilter }: { event: Doc; onFilter?: (field: string, value: unknown, negate: boolean) => void }): ReactNode {
  const [copied, setCopied] = useState<string | undefined>(undefined);
  const [json, setJson] = useState(false);
  const rows = flatten(event).filter(([k]) => k !== 'id');
  return (
    <div className="event-detail">
      <div className="tabs" role="group" aria-label="Event view">
        <button type="button" aria-pressed={!json} onClick={() => setJson(false)}>
          Fields
        </button>
        <button type="button" aria-pressed={json} onClick={() => setJson(true)}>
          JSON
        </button>
        <button type="button" onClick={() => void copy(JSON.stringify(event, null, 2)).then((ok) => setCopied(ok ? 'the event JSON' : 'nothing (clipboard refused)'))}>
          Copy JSON
        </button>
        {copied !== undefined && <span role="status">copied {copied}</span>}
      </div>
      {json ? (
        <pre className="json">{prettyJson(event)}</pre>
      ) : (
        <table className="fields">
          <tbody>
            {rows.map(([k, v]) => {
              const text = show(v);
              const url = typeof v === 'string' ? safeHttpUrl(v) : undefined;
              return (
                <tr key={k}>
                  <th scope="row">{k}</th>
                  <td>
                    <span className="val">{text}</span>
                    {url !== undefined && <span className="note"> (URL, not followed)</span>}
                  </td>
                  <td className="actions">
                    {onFilter && (
                      <>
                        <button type="button" title={`filter for ${k}`} aria-label={`Filter for ${k} value`} onClick={() => onFilter(k, v, false)}>
                          +
                        </button>
                        <button type="button" title={`filter out ${k}`} aria-label={`Filter out ${k} value`} onClick={() => onFilter(k, v, true)}>
                          −
                        </button>
                      </>
                    )}
                    <button type="button" aria-label={`Copy ${k} value`} onClick={() => void copy(typeof v === 'string' ? v : JSON.stringify(v)).then((ok) => setCopied(ok ? k : 'nothing (clipboard refused)'))}>
                      copy
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function EventTime({ e }: { e: Doc }): ReactNode {
  return <span className="time">{fmtTime(e['@timestamp'])}</span>;
}
