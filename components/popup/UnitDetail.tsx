/**
 * A unit's detail panel: bigger sparkline, the live readings (newest first),
 * this session's alerts for the unit, and a dashboard link. Holds the unit's
 * room while open so the background streams its readings. Escape closes.
 */
import { useCallback, useEffect, useId, useRef } from 'react';
import {
  alertTypeLabel,
  formatAge,
  formatClock,
  formatDuration,
  formatPercent,
  severityLabel,
  showRange,
  showTemperature,
} from '../../lib/format';
import type { Preferences, UnitInfo } from '../../lib/model';
import type { UnitExcursions } from '../../lib/state/excursions';
import { EXCURSION_WINDOW_MS, excursionTotalMs } from '../../lib/state/page-rules';
import { excursionText } from '../excursion-text';
import { useAlertHistory, useSensorReadings, useUnitStatus } from '../live-data';
import { useRealtimeSubscription } from '../RealtimeProvider';
import { Sparkline } from '../Sparkline';
import { CONDITION_META, NO_READING, SEVERITY_ICON, type UnitCondition } from '../unit-condition';
import { useDashboardLink } from '../use-dashboard-link';

export interface UnitDetailProps {
  info: UnitInfo;
  siteName: string;
  areaName: string;
  tempScale: Preferences['tempScale'];
  /** The worker's word on the unit, the same the row shows (issue #9). */
  condition: UnitCondition;
  /** The worker's excursion intervals (issue #13). */
  excursion?: UnitExcursions;
  /** Server-clock now. */
  now: number;
  onClose(): void;
}

function clockWithSeconds(at: number): string {
  const d = new Date(at);
  return `${formatClock(at)}:${String(d.getSeconds()).padStart(2, '0')}`;
}

export function UnitDetail({
  info,
  siteName,
  areaName,
  tempScale,
  condition,
  excursion,
  now,
  onClose,
}: UnitDetailProps) {
  useRealtimeSubscription('unit', info.id);
  const status = useUnitStatus(info.id);
  const history = useSensorReadings(info.id) ?? [];
  const alertLog = useAlertHistory(info.id) ?? [];
  const dashboard = useDashboardLink();
  const url = dashboard.urlFor({ unitId: info.id });
  const titleId = useId();
  const backRef = useRef<HTMLButtonElement>(null);
  const format = useCallback(
    (v: number) => showTemperature(v, info.tempUnit, tempScale),
    [info.tempUnit, tempScale],
  );
  const meta = CONDITION_META[condition];
  const outOfRange = excursionText(excursion, now);
  // Excursions that touch the last 24 h, the one in progress included.
  const excursions =
    (excursion?.closed.filter(([, end]) => end >= now - EXCURSION_WINDOW_MS).length ?? 0) +
    (excursion?.openSince != null ? 1 : 0);

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    backRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        onClose();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      // Give focus back to the row the user came from.
      if (opener?.isConnected) opener.focus();
    };
  }, [onClose]);

  const newestFirst = [...history].reverse();
  return (
    <div role="dialog" aria-modal="true" aria-labelledby={titleId} className="detail">
      <div className="detail-head">
        <button ref={backRef} type="button" className="button" onClick={onClose}>
          ← Back
        </button>
        <h2 id={titleId} className="detail-title">
          {info.name}
        </h2>
      </div>
      <p className="detail-where">{[siteName, areaName].filter(Boolean).join(' › ')}</p>
      <p className={`detail-now tone-${meta.tone}`}>
        <span className="unit-temp big">
          {status?.lastTemperature != null ? format(status.lastTemperature) : NO_READING}
        </span>{' '}
        <span aria-hidden="true">{meta.icon}</span> {meta.label}
        {status?.lastReadingAt != null && (
          <span className="unit-age"> · {formatAge(now - status.lastReadingAt)}</span>
        )}
      </p>
      <p className="unit-range">
        Allowed: {showRange(info.tempMin, info.tempMax, info.tempUnit, tempScale)}
      </p>
      {outOfRange.current && excursion?.openSince != null && (
        <p className="detail-excursion">
          {outOfRange.current}, since {formatClock(excursion.openSince)}
        </p>
      )}
      <p className="detail-excursion-total">
        {outOfRange.total === null
          ? 'No time out of range in the last 24 h.'
          : `Out of range in the last 24 h: ${formatDuration(excursionTotalMs(excursion, now))} (${excursions} ${excursions === 1 ? 'excursion' : 'excursions'})`}
      </p>
      <Sparkline
        className="big"
        readings={history}
        tempMin={info.tempMin}
        tempMax={info.tempMax}
        format={format}
        width={340}
        height={72}
      />
      <button
        type="button"
        className="button"
        disabled={url === null}
        onClick={() => url && dashboard.open(url)}
      >
        Open in dashboard
      </button>

      <h3 className="section-subtitle">Alerts this session</h3>
      {alertLog.length === 0 ? (
        <p className="empty">No alerts for this unit since the popup opened.</p>
      ) : (
        <ul className="detail-alerts" aria-label="Alert history">
          {alertLog.map(({ alert, closedAt }) => (
            <li key={alert.id} className={`severity-${alert.severity}`}>
              <span aria-hidden="true">{SEVERITY_ICON[alert.severity]}</span>{' '}
              {severityLabel(alert.severity, alert.severityLabel)} ·{' '}
              {alertTypeLabel(alert.type, alert.typeLabel)} · {formatClock(alert.triggeredAt)} ·{' '}
              {closedAt !== null
                ? 'closed'
                : alert.status === 'acknowledged'
                  ? 'acknowledged'
                  : 'active'}
            </li>
          ))}
        </ul>
      )}

      <h3 className="section-subtitle">Readings</h3>
      {newestFirst.length === 0 ? (
        <p className="empty">No readings yet.</p>
      ) : (
        <ol className="readings" aria-label="Readings, newest first">
          {newestFirst.map((r) => (
            <li key={r.id}>
              <time dateTime={new Date(r.at).toISOString()}>{clockWithSeconds(r.at)}</time>{' '}
              <span className="reading-temp">{format(r.temperature)}</span>
              {r.humidity !== null && <span> · RH {formatPercent(r.humidity)}</span>}
              {r.battery !== null && <span> · Battery {formatPercent(r.battery)}</span>}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
