/** Connection health for support, and a copyable plain-text report (never with a token). */
import { useState } from 'react';
import { formatClock, formatRtt } from '../../lib/format';
import { useBridge } from '../bridge';
import { useConnection, useDiagnostics } from '../live-data';
import { ScaleWarnings } from './ScaleWarnings';

export function DiagnosticsSection() {
  const bridge = useBridge();
  const connection = useConnection();
  const diagnostics = useDiagnostics();
  const [copy, setCopy] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  const copyDiagnostics = async () => {
    setCopy(null);
    const result = await bridge.send<'diagnostics-text'>({ type: 'diagnostics-text' });
    if (!result.ok) {
      setCopy({ kind: 'error', text: `Could not collect diagnostics: ${result.error.message}` });
      return;
    }
    try {
      await navigator.clipboard.writeText(result.data);
      setCopy({ kind: 'ok', text: 'Copied' });
    } catch {
      setCopy({ kind: 'error', text: 'The clipboard is not available; try again from the page.' });
    }
  };

  const invalid = Object.entries(diagnostics?.invalidByKind ?? {});
  const history = [...(diagnostics?.history ?? [])].reverse();
  return (
    <section aria-labelledby="diag-title" className="card">
      <h2 id="diag-title">Diagnostics</h2>
      <dl className="facts">
        <dt>Connection</dt>
        <dd>
          {connection?.status ?? 'unknown'}
          {connection ? ` since ${formatClock(connection.since)}` : ''}
        </dd>
        <dt>Round trip</dt>
        <dd>{formatRtt(connection?.rtt ?? null)}</dd>
        <dt>Reconnects</dt>
        <dd>{connection?.reconnects ?? 0}</dd>
        <dt>Events received</dt>
        <dd>{diagnostics?.eventsReceived ?? 0}</dd>
        <dt>Readings received</dt>
        <dd>{diagnostics?.readingsReceived ?? 0}</dd>
        <dt>Duplicates dropped</dt>
        <dd>{diagnostics?.duplicatesDropped ?? 0}</dd>
        <dt>Notifications shown</dt>
        <dd>{diagnostics?.notificationsShown ?? 0}</dd>
        <dt>Last error</dt>
        <dd>
          {connection?.lastError
            ? `${connection.lastError.message} (${connection.lastError.code}, ${formatClock(connection.lastError.at)})`
            : 'none'}
        </dd>
      </dl>
      <h3>Invalid payloads dropped</h3>
      {invalid.length === 0 ? (
        <p className="hint">None.</p>
      ) : (
        <ul aria-label="Invalid payloads dropped">
          {invalid.map(([kind, count]) => (
            <li key={kind}>
              <code>{kind}</code>: {count}
            </li>
          ))}
        </ul>
      )}
      <ScaleWarnings />
      <h3>Connection history</h3>
      {history.length === 0 ? (
        <p className="hint">No transitions yet.</p>
      ) : (
        <ol aria-label="Connection history" className="history">
          {history.map((h, i) => (
            <li key={`${h.at}-${i}`}>
              <time dateTime={new Date(h.at).toISOString()}>{formatClock(h.at)}</time> {h.status}
              {/* The background often repeats the status as the detail ("live — live"). */}
              {h.detail && h.detail !== h.status ? ` — ${h.detail}` : ''}
            </li>
          ))}
        </ol>
      )}
      <button type="button" className="button" onClick={() => void copyDiagnostics()}>
        Copy diagnostics
      </button>
      {copy && (
        <p
          role={copy.kind === 'ok' ? 'status' : 'alert'}
          className={copy.kind === 'ok' ? 'hint' : 'inline-error'}
        >
          {copy.text}
        </p>
      )}
    </section>
  );
}
