import {
  rooms,
  toScaled,
  type ThresholdSide,
  type WireUnitState,
  type WireUnitStatus,
} from '../lib/protocol';
import type {
  AcknowledgeResult,
  AlertRecord,
  AlertStore,
  NewAlert,
  ResolveDetails,
  ResolveResult,
} from './alert-store';
import type { Broadcaster } from './broadcaster';
import type { Directory, UnitRecord } from './directory';
import type { StoredReading } from './reading-store';

/** What the engine remembers per unit; REST reads status and state from here. */
export interface UnitRuntime {
  state: WireUnitState;
  status: WireUnitStatus;
  /** Consecutive out-of-range readings. */
  excursionCount: number;
  alarmAlertId: string | null;
  offlineAlertId: string | null;
  batteryAlertId: string | null;
  /** Wall-clock arrival of the last reading; silence is measured from it. */
  lastArrivalMs: number | null;
}

export interface AlertEngineOptions {
  directory: Directory;
  alerts: AlertStore;
  broadcaster: Broadcaster;
  now: () => number;
  alertDelayReadings: number;
  silentAfterMs: number;
  lowBatteryPercent: number;
}

/**
 * The one path through which alerts open, escalate, get acknowledged and
 * close, whether the cause is a reading, silence, REST or the control API:
 * each change updates the store and the unit's state and emits exactly the
 * events production emits (alerts to the org room only; unit state to the
 * org room and the unit room).
 */
export interface AlertEngine {
  runtime(unitId: string): UnitRuntime | undefined;
  /** Registers a reading without evaluating it (the history seeded at start). */
  markSeen(unitId: string, atMs: number): void;
  evaluate(unit: UnitRecord, reading: StoredReading): void;
  checkSilence(unit: UnitRecord, nowMs: number): void;
  open(input: NewAlert): AlertRecord;
  escalate(alertId: string, level?: number): AlertRecord | undefined;
  /**
   * An acknowledge through REST (by a profile id). Production sends no socket
   * event for it (PROTOCOL.md "Changes made elsewhere are not pushed").
   */
  acknowledge(alertId: string, by: string, notes: string | null): AcknowledgeResult;
  /** The evaluator's own resolve (back in range): the only one that emits `alert:resolved`. */
  resolve(alertId: string): ResolveResult;
  /** A resolve through REST: recorded, no socket event (PROTOCOL.md, issue #10). */
  resolveManually(alertId: string, details: ResolveDetails): ResolveResult;
}

// A battery must climb this far above the threshold to count as replaced (no flapping).
const BATTERY_HYSTERESIS = 30;

const STATUS_FOR_STATE: Record<WireUnitState, WireUnitStatus> = {
  normal: 'ok',
  warning: 'excursion',
  critical: 'alarm_active',
  offline: 'offline',
};

export function createAlertEngine(options: AlertEngineOptions): AlertEngine {
  const { directory, alerts, broadcaster, now } = options;
  const runtimes = new Map<string, UnitRuntime>();
  for (const unit of directory.unitList) {
    runtimes.set(unit.id, {
      state: 'normal',
      status: 'ok',
      excursionCount: 0,
      alarmAlertId: null,
      offlineAlertId: null,
      batteryAlertId: null,
      lastArrivalMs: null,
    });
  }

  const iso = (): string => new Date(now()).toISOString();

  function open(input: NewAlert): AlertRecord {
    const alert = alerts.create(input);
    broadcaster.toRoom(rooms.org(alert.organizationId), 'alert:triggered', {
      alertId: alert.id,
      unitId: alert.unitId,
      alertType: alert.alertType,
      severity: alert.severity,
      message: alert.message,
      triggerTemperature: alert.triggerTemperature,
      thresholdViolated: alert.thresholdViolated,
      triggeredAt: alert.triggeredAt,
    });
    return alert;
  }

  function refreshState(unitId: string, reason: string): void {
    const runtime = runtimes.get(unitId);
    const unit = directory.units.get(unitId);
    if (!runtime || !unit) return;
    const alarm = runtime.alarmAlertId ? alerts.get(runtime.alarmAlertId) : undefined;
    const next: WireUnitState = runtime.offlineAlertId
      ? 'offline'
      : alarm
        ? alarm.escalationLevel > 0
          ? 'critical'
          : 'warning'
        : 'normal';
    runtime.status = STATUS_FOR_STATE[next];
    if (next === runtime.state) return;
    const payload = {
      unitId,
      previousState: runtime.state,
      newState: next,
      timestamp: iso(),
      reason,
    };
    runtime.state = next;
    // Two separate emits: a socket in both rooms gets it twice, as in production.
    broadcaster.toRoom(rooms.org(unit.organizationId), 'unit:state:changed', payload);
    broadcaster.toRoom(rooms.unit(unit.organizationId, unitId), 'unit:state:changed', payload);
  }

  function forgetAlert(alert: AlertRecord): void {
    const runtime = runtimes.get(alert.unitId);
    if (!runtime) return;
    if (runtime.alarmAlertId === alert.id) {
      runtime.alarmAlertId = null;
      // A manual resolve does not fix the fridge: the next bad reading opens a new alarm.
      runtime.excursionCount = 0;
    }
    if (runtime.offlineAlertId === alert.id) runtime.offlineAlertId = null;
    if (runtime.batteryAlertId === alert.id) runtime.batteryAlertId = null;
  }

  function resolve(alertId: string): ResolveResult {
    const result = alerts.resolve(alertId, iso());
    if (!result.ok) return result;
    const { alert } = result;
    broadcaster.toRoom(rooms.org(alert.organizationId), 'alert:resolved', {
      alertId: alert.id,
      unitId: alert.unitId,
      resolvedAt: alert.resolvedAt ?? iso(),
    });
    forgetAlert(alert);
    refreshState(alert.unitId, 'alert_resolved');
    return result;
  }

  function resolveManually(alertId: string, details: ResolveDetails): ResolveResult {
    const result = alerts.resolve(alertId, iso(), details);
    if (!result.ok) return result;
    // No event at all, not even `unit:state:changed` (PROTOCOL.md): the unit's
    // state follows with its next reading, when the evaluator looks at it again.
    forgetAlert(result.alert);
    return result;
  }

  function escalate(alertId: string, level?: number): AlertRecord | undefined {
    const alert = alerts.escalate(alertId, level);
    if (!alert) return undefined;
    broadcaster.toRoom(rooms.org(alert.organizationId), 'alert:escalated', {
      alertId: alert.id,
      unitId: alert.unitId,
      escalationLevel: alert.escalationLevel,
    });
    refreshState(alert.unitId, 'excursion_confirmed');
    return alert;
  }

  function acknowledge(alertId: string, by: string, notes: string | null): AcknowledgeResult {
    // No `alert:acknowledged`: the contract declares it, production never sends it (#10).
    return alerts.acknowledge(alertId, by, notes, iso());
  }

  function evaluateBattery(unit: UnitRecord, runtime: UnitRuntime, reading: StoredReading): void {
    if (reading.battery === null) return;
    if (reading.battery < options.lowBatteryPercent && !runtime.batteryAlertId) {
      runtime.batteryAlertId = open({
        organizationId: unit.organizationId,
        unitId: unit.id,
        alertType: 'low_battery',
        severity: 'info',
        message: `${unit.name}: sensor battery at ${Math.round(reading.battery)}%`,
        triggerTemperature: null,
        thresholdViolated: null,
        triggeredAt: iso(),
      }).id;
    } else if (
      runtime.batteryAlertId &&
      reading.battery >= options.lowBatteryPercent + BATTERY_HYSTERESIS
    ) {
      resolve(runtime.batteryAlertId);
    }
  }

  function evaluate(unit: UnitRecord, reading: StoredReading): void {
    const runtime = runtimes.get(unit.id);
    if (!runtime) return;
    runtime.lastArrivalMs = now();
    if (runtime.offlineAlertId) resolve(runtime.offlineAlertId);
    evaluateBattery(unit, runtime, reading);

    // Production compares the limits (tenths) with round(temperature * 10).
    const tenths = toScaled('unitLimit', reading.temperature);
    const side: ThresholdSide | null =
      tenths > unit.tempMax ? 'max' : tenths < unit.tempMin ? 'min' : null;
    if (side === null) {
      runtime.excursionCount = 0;
      if (runtime.alarmAlertId) resolve(runtime.alarmAlertId);
      else refreshState(unit.id, 'sensor_reporting');
      return;
    }
    runtime.excursionCount += 1;
    if (!runtime.alarmAlertId) {
      // The message is already in degrees (PROTOCOL.md); the trigger temperature is tenths.
      const limit = (side === 'max' ? unit.tempMax : unit.tempMin) / 10;
      runtime.alarmAlertId = open({
        organizationId: unit.organizationId,
        unitId: unit.id,
        alertType: 'alarm_active',
        // Production first reports an excursion as a warning; escalation makes it critical.
        severity: 'warning',
        message: `${unit.name}: ${reading.temperature} °${unit.tempUnit} is ${side === 'max' ? 'above' : 'below'} the ${side} of ${limit} °${unit.tempUnit}`,
        triggerTemperature: toScaled('alertTriggerTemperature', reading.temperature),
        thresholdViolated: side,
        triggeredAt: new Date(reading.timestampMs).toISOString(),
      }).id;
      refreshState(unit.id, 'temperature_excursion');
    }
    const alarm = alerts.get(runtime.alarmAlertId);
    if (
      alarm &&
      alarm.escalationLevel === 0 &&
      runtime.excursionCount >= options.alertDelayReadings
    ) {
      escalate(alarm.id, 1);
    }
  }

  function checkSilence(unit: UnitRecord, nowMs: number): void {
    const runtime = runtimes.get(unit.id);
    if (!runtime || runtime.offlineAlertId || runtime.lastArrivalMs === null) return;
    const silentMs = nowMs - runtime.lastArrivalMs;
    if (silentMs <= options.silentAfterMs) return;
    runtime.offlineAlertId = open({
      organizationId: unit.organizationId,
      unitId: unit.id,
      alertType: 'monitoring_interrupted',
      severity: 'warning',
      message: `${unit.name}: no readings for ${Math.round(silentMs / 1000)} s`,
      triggerTemperature: null,
      thresholdViolated: null,
      triggeredAt: new Date(nowMs).toISOString(),
    }).id;
    refreshState(unit.id, 'sensor_silent');
  }

  return {
    runtime: (unitId) => runtimes.get(unitId),
    markSeen(unitId, atMs) {
      const runtime = runtimes.get(unitId);
      if (runtime) runtime.lastArrivalMs = atMs;
    },
    evaluate,
    checkSilence,
    open,
    escalate,
    acknowledge,
    resolve,
    resolveManually,
  };
}
