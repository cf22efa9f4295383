/**
 * Open alerts: active ones first with Acknowledge (with or without a note),
 * Resolve and Open, acknowledged ones in their own group below with who
 * acknowledged them ("you", or a readable label: never a raw id, issue #10).
 */
import { useMutation } from '@tanstack/react-query';
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import {
  acknowledgedByLabel,
  alertTypeLabel,
  formatAge,
  formatClock,
  severityLabel,
  showTemperature,
} from '../../lib/format';
import type { CommandError } from '../../lib/messages';
import type { Alert, Preferences, UnitInfo } from '../../lib/model';
import type { UnitExcursions } from '../../lib/state/excursions';
import { useBridge } from '../bridge';
import { AcknowledgeNoteForm, ResolveForm } from './AlertForms';
import { excursionLine, excursionText } from '../excursion-text';
import { useAlerts, useClockOffset, useDirectory, usePreferences, useUnitView } from '../live-data';
import { SEVERITY_ICON } from '../unit-condition';
import { useDashboardLink } from '../use-dashboard-link';
import { useNow } from '../use-now';

interface AlertContext {
  unit: UnitInfo | undefined;
  siteName: string;
  tempScale: Preferences['tempScale'];
  /** Server-clock now. */
  now: number;
  /** The unit's excursion intervals from the worker's view (issue #13). */
  excursion: UnitExcursions | undefined;
}

function thresholdText(
  alert: Alert,
  unit: UnitInfo | undefined,
  tempScale: Preferences['tempScale'],
): string | null {
  if (alert.triggerTemperature === null) return null;
  const scale = unit?.tempUnit ?? 'C';
  const value = showTemperature(alert.triggerTemperature, scale, tempScale);
  const limit =
    alert.thresholdViolated === 'max'
      ? unit?.tempMax
      : alert.thresholdViolated === 'min'
        ? unit?.tempMin
        : null;
  if (limit === null || limit === undefined) return value;
  const side = alert.thresholdViolated === 'max' ? 'above max' : 'below min';
  return `${value}, ${side} ${showTemperature(limit, scale, tempScale)}`;
}

type Panel = 'none' | 'note' | 'resolve';

function AlertItem({
  alert,
  ctx,
  onAcknowledge,
}: {
  alert: Alert;
  ctx: AlertContext;
  /** Told when this card is about to leave the active list (acknowledge or resolve). */
  onAcknowledge?: (alertId: string, outcome: 'started' | 'failed') => void;
}) {
  const bridge = useBridge();
  const dashboard = useDashboardLink();
  const [panel, setPanel] = useState<Panel>('none');
  const ack = useMutation<null, CommandError, string | undefined>({
    mutationFn: async (notes) => {
      const result = await bridge.send<'acknowledge'>({
        type: 'acknowledge',
        alertId: alert.id,
        ...(notes ? { notes } : {}),
      });
      if (!result.ok) throw result.error;
      return result.data;
    },
    onError: () => onAcknowledge?.(alert.id, 'failed'),
  });
  const resolve = useMutation<null, CommandError, { resolution: string; correctiveAction: string }>(
    {
      mutationFn: async ({ resolution, correctiveAction }) => {
        const result = await bridge.send<'resolve'>({
          type: 'resolve',
          alertId: alert.id,
          resolution,
          ...(correctiveAction ? { correctiveAction } : {}),
        });
        if (!result.ok) throw result.error;
        return result.data;
      },
      onError: () => onAcknowledge?.(alert.id, 'failed'),
    },
  );
  const unitName = ctx.unit?.name ?? 'unknown unit';
  const url = dashboard.urlFor({ unitId: alert.unitId, alertId: alert.id });
  const severity = severityLabel(alert.severity, alert.severityLabel);
  const threshold = thresholdText(alert, ctx.unit, ctx.tempScale);
  const acknowledged = alert.status === 'acknowledged';
  const toggle = (next: Panel) => setPanel((current) => (current === next ? 'none' : next));
  const outOfRange = excursionLine(excursionText(ctx.excursion, ctx.now));
  return (
    <li
      className={`alert-item severity-${alert.severity}`}
      aria-label={`${severity} alert: ${unitName}`}
    >
      <div className="alert-head">
        <span className="severity-badge">
          <span aria-hidden="true">{SEVERITY_ICON[alert.severity]}</span> {severity}
        </span>
        <strong className="alert-unit">{unitName}</strong>
        <span className="alert-site">{ctx.siteName}</span>
        <span className="alert-age">{formatAge(ctx.now - alert.triggeredAt)}</span>
      </div>
      <div className="alert-body">
        <span className="alert-type">{alertTypeLabel(alert.type, alert.typeLabel)}</span>
        {alert.message && <span className="alert-message">{alert.message}</span>}
        {threshold && <span className="alert-threshold">{threshold}</span>}
        {outOfRange && <span className="alert-excursion">{outOfRange}</span>}
        {acknowledged && alert.acknowledgedAt !== null && (
          <span className="alert-acked">
            Acknowledged by {acknowledgedByLabel(alert)} at {formatClock(alert.acknowledgedAt)}
          </span>
        )}
      </div>
      <div className="alert-actions">
        {!acknowledged && (
          <button
            type="button"
            className="button"
            data-action="acknowledge"
            aria-label={`Acknowledge alert for ${unitName}`}
            disabled={ack.isPending || ack.isSuccess}
            onClick={() => {
              onAcknowledge?.(alert.id, 'started');
              ack.mutate(undefined);
            }}
          >
            {ack.isPending ? 'Acknowledging…' : ack.isSuccess ? 'Acknowledged' : 'Acknowledge'}
          </button>
        )}
        {!acknowledged && (
          <button
            type="button"
            className="button"
            aria-label={`Acknowledge alert for ${unitName} with a note`}
            aria-expanded={panel === 'note'}
            disabled={ack.isPending || ack.isSuccess}
            onClick={() => toggle('note')}
          >
            Add a note…
          </button>
        )}
        <button
          type="button"
          className="button"
          aria-label={`Resolve alert for ${unitName}`}
          aria-expanded={panel === 'resolve'}
          disabled={resolve.isPending || resolve.isSuccess}
          onClick={() => toggle('resolve')}
        >
          Resolve…
        </button>
        <button
          type="button"
          className="button"
          aria-label={`Open alert for ${unitName} in dashboard`}
          disabled={url === null}
          title={url === null ? 'Set a dashboard URL template in Options' : undefined}
          onClick={() => url && dashboard.open(url)}
        >
          Open
        </button>
      </div>
      {panel === 'note' && !acknowledged && (
        <AcknowledgeNoteForm
          unitName={unitName}
          pending={ack.isPending}
          error={ack.error}
          onCancel={() => setPanel('none')}
          onSubmit={(notes) => {
            onAcknowledge?.(alert.id, 'started');
            ack.mutate(notes);
          }}
        />
      )}
      {panel === 'resolve' && (
        <ResolveForm
          unitName={unitName}
          pending={resolve.isPending}
          error={resolve.error}
          onCancel={() => setPanel('none')}
          onSubmit={(resolution, correctiveAction) => {
            if (!acknowledged) onAcknowledge?.(alert.id, 'started');
            resolve.mutate({ resolution, correctiveAction });
          }}
        />
      )}
      {ack.error && panel !== 'note' && (
        <p role="alert" className="inline-error">
          Could not acknowledge: {ack.error.message}
        </p>
      )}
    </li>
  );
}

/**
 * Alert cards shown before "Show all": the worst come first, and in a storm
 * a popup of hundreds of cards would bury them and take long to open.
 */
export const ALERTS_SHOWN = 20;

export const AlertsSection = memo(function AlertsSection() {
  const alerts = useAlerts();
  const directory = useDirectory();
  const preferences = usePreferences();
  const view = useUnitView();
  const now = useNow() + useClockOffset();
  const lookup = useMemo(() => {
    const units = new Map((directory?.units ?? []).map((u) => [u.id, u]));
    const sites = new Map((directory?.sites ?? []).map((s) => [s.id, s.name]));
    return { units, sites };
  }, [directory]);
  const excursions = useMemo(() => {
    const byUnit = new Map<string, UnitExcursions>();
    for (const entry of view?.entries ?? []) {
      if (entry.excursion !== undefined) byUnit.set(entry.unitId, entry.excursion);
    }
    return byUnit;
  }, [view]);
  const [showAll, setShowAll] = useState(false);
  const active = (alerts ?? []).filter((a) => a.status === 'active');
  const acknowledged = (alerts ?? []).filter((a) => a.status === 'acknowledged');

  // An acknowledged card moves to the other list (a new element), so the focused
  // button disappears and focus would fall back to <body>: a keyboard user would
  // start over from the top. Send focus to the next active alert, or the heading.
  const sectionRef = useRef<HTMLElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const focusAfterAck = useRef<{ alertId: string; index: number } | null>(null);
  const activeIds = active.map((a) => a.id).join(' ');
  useEffect(() => {
    const pending = focusAfterAck.current;
    if (!pending || activeIds.split(' ').includes(pending.alertId)) return;
    focusAfterAck.current = null;
    const focused = document.activeElement;
    const lost =
      !focused ||
      focused === document.body ||
      !focused.isConnected ||
      (focused instanceof HTMLButtonElement && focused.disabled);
    if (!lost) return;
    const buttons = sectionRef.current?.querySelectorAll<HTMLButtonElement>(
      'button[data-action="acknowledge"]',
    );
    const next = buttons?.[Math.min(pending.index, buttons.length - 1)];
    (next ?? headingRef.current)?.focus();
  }, [activeIds]);
  const onAcknowledge = (alertId: string, outcome: 'started' | 'failed') => {
    focusAfterAck.current =
      outcome === 'started' ? { alertId, index: active.findIndex((a) => a.id === alertId) } : null;
  };

  const ctxFor = (alert: Alert): AlertContext => {
    const unit = lookup.units.get(alert.unitId);
    return {
      unit,
      siteName: (unit && lookup.sites.get(unit.siteId)) ?? '',
      tempScale: preferences?.tempScale ?? 'unit',
      now,
      excursion: excursions.get(alert.unitId),
    };
  };
  return (
    <section ref={sectionRef} aria-label="Active alerts" className="alerts">
      <h2 ref={headingRef} tabIndex={-1} className="section-title">
        Active alerts <span className="count">{active.length}</span>
      </h2>
      {active.length === 0 ? (
        <p className="empty">No active alerts.</p>
      ) : (
        <>
          <ul className="alert-list">
            {(showAll ? active : active.slice(0, ALERTS_SHOWN)).map((a) => (
              <AlertItem key={a.id} alert={a} ctx={ctxFor(a)} onAcknowledge={onAcknowledge} />
            ))}
          </ul>
          {!showAll && active.length > ALERTS_SHOWN && (
            <button type="button" className="more" onClick={() => setShowAll(true)}>
              Show all {active.length} active alerts
            </button>
          )}
        </>
      )}
      {acknowledged.length > 0 && (
        <div role="group" aria-label="Acknowledged alerts" className="alerts-acked">
          <h3 className="section-subtitle">
            Acknowledged <span className="count">{acknowledged.length}</span>
          </h3>
          <ul className="alert-list">
            {(showAll ? acknowledged : acknowledged.slice(0, ALERTS_SHOWN)).map((a) => (
              <AlertItem key={a.id} alert={a} ctx={ctxFor(a)} />
            ))}
          </ul>
          {!showAll && acknowledged.length > ALERTS_SHOWN && (
            <button type="button" className="more" onClick={() => setShowAll(true)}>
              Show all {acknowledged.length} acknowledged alerts
            </button>
          )}
        </div>
      )}
    </section>
  );
});
