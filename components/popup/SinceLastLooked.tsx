/**
 * "Since you last looked" (issue #13): when the popup opens, what happened
 * since it was last closed (alerts triggered, escalated, acknowledged and by
 * whom, resolved; units that stopped reporting and came back), newest first,
 * from the worker's bounded event log. Asked once per opening: it is a
 * digest of the time away; what happens while the popup is open shows live
 * in the sections below. Collapsible; not shown the first time or when
 * nothing happened.
 */
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { LoggedEvent, SinceLastLooked as Digest } from '../../lib/event-log';
import { eventText } from '../../lib/event-text';
import { formatClock } from '../../lib/format';
import type { CommandError } from '../../lib/messages';
import { useBridge } from '../bridge';
import { queryKeys } from '../query-keys';
import { SEVERITY_ICON } from '../unit-condition';

const UNIT_ICON = { 'unit-offline': '⊘', 'unit-back': '✓' } as const;

function iconOf(event: LoggedEvent): string {
  if (event.kind === 'unit-offline' || event.kind === 'unit-back') return UNIT_ICON[event.kind];
  if (event.kind === 'alert-resolved' || event.kind === 'alert-acknowledged') return '✓';
  return SEVERITY_ICON[event.severity ?? 'unknown'];
}

/** `14:05` today, `Mon 14:05` on another day. */
function when(at: number, now: number): string {
  const day = new Date(at);
  if (day.toDateString() === new Date(now).toDateString()) return formatClock(at);
  return `${day.toLocaleDateString(undefined, { weekday: 'short' })} ${formatClock(at)}`;
}

export function SinceLastLooked() {
  const bridge = useBridge();
  const headingId = useId();
  const listId = useId();
  const [open, setOpen] = useState(true);
  const { data } = useQuery<Digest | null, CommandError>({
    queryKey: queryKeys.sinceLastLooked(),
    queryFn: async () => {
      const result = await bridge.send<'since-last-looked'>({ type: 'since-last-looked' });
      if (!result.ok) throw result.error;
      return result.data;
    },
  });
  if (!data || data.since === null || data.events.length === 0) return null;
  const now = Date.now();
  const title = `Since you last looked (${data.events.length})`;
  return (
    <section aria-labelledby={headingId} className="since">
      <h2 id={headingId} className="section-title">
        <button
          type="button"
          className="since-toggle"
          aria-expanded={open}
          aria-controls={listId}
          onClick={() => setOpen((o) => !o)}
        >
          <span aria-hidden="true">{open ? '▾' : '▸'}</span> {title}
        </button>
      </h2>
      <ol
        id={listId}
        hidden={!open}
        className="since-list"
        aria-label={`What happened since ${when(data.since, now)}, newest first`}
      >
        {data.events.map((event) => (
          <li key={event.key} className={`since-item since-${event.kind}`}>
            <time dateTime={new Date(event.at).toISOString()}>{when(event.at, now)}</time>{' '}
            <span aria-hidden="true">{iconOf(event)}</span> {eventText(event)}
          </li>
        ))}
      </ol>
    </section>
  );
}
