import { memo } from 'react';
import { formatAge, formatClock, formatRtt } from '../../lib/format';
import type { ConnectionStatus } from '../../lib/model';
import { useBridge } from '../bridge';
import { useClockOffset } from '../live-data';
import { useRealtimeStatusWithoutLiveTimes, type RealtimeStatus } from '../RealtimeProvider';
import { useNow } from '../use-now';

const WORDS: Record<ConnectionStatus, string> = {
  live: 'Live',
  connecting: 'Connecting',
  reconnecting: 'Reconnecting',
  offline: 'Offline',
  'signed-out': 'Signed out',
};

const ICONS: Record<ConnectionStatus, string> = {
  live: '●',
  connecting: '◌',
  reconnecting: '↻',
  offline: '⊘',
  'signed-out': '○',
};

/** The status line's text: the state word, then what a supervisor needs to trust the data. */
export function statusText(s: RealtimeStatus, now: number): string {
  const word = WORDS[s.status];
  if (s.status === 'live') return s.rtt === null ? word : `${word} · ${formatRtt(s.rtt)}`;
  if (s.status === 'reconnecting' || s.status === 'offline') {
    const parts = [word + (s.since !== null ? ` since ${formatClock(s.since)}` : '')];
    parts.push(
      s.lastDataAt !== null ? `last data ${formatAge(now - s.lastDataAt)}` : 'no data yet',
    );
    return parts.join(' · ');
  }
  return word;
}

/**
 * The page header: connection state, and (in the popup) a way to sign in
 * when signed out; the options page has the sign-in form itself.
 */
export const StatusLine = memo(function StatusLine({
  offerSignIn = true,
}: {
  offerSignIn?: boolean;
}) {
  const bridge = useBridge();
  // Live, the line shows no data age: a reading does not re-render it (#14).
  const status = useRealtimeStatusWithoutLiveTimes();
  const offset = useClockOffset();
  const now = useNow() + offset;
  return (
    <header className="status-bar" data-status={status.status}>
      <span className="brand">Frostline</span>
      <p role="status" className="status-line">
        <span className="status-icon" aria-hidden="true">
          {ICONS[status.status]}
        </span>{' '}
        {statusText(status, now)}
      </p>
      {offerSignIn && status.status === 'signed-out' && (
        <button
          type="button"
          className="button primary"
          onClick={() => void bridge.openOptionsPage()}
        >
          Sign in
        </button>
      )}
    </header>
  );
});
