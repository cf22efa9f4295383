import * as v from 'valibot';
import { rooms, toScaled, type WireAlert, type WireReadingsBatch } from '../lib/protocol';
import type { Accounts } from './accounts';
import type { AlertEngine } from './alert-engine';
import { toWireAlert } from './alert-store';
import type { Broadcaster } from './broadcaster';
import type { ConnectionTracker } from './connection-tracker';
import * as schemas from './control-schemas';
import { snapshotCounters, type Counters } from './counters';
import type { Directory } from './directory';
import { DEMO_ORG } from './fixtures';
import { HttpError } from './http-json';
import type { ReadingStore } from './reading-store';
import type { RequestLog, RequestLogEntry } from './request-log';
import type { Simulator } from './simulator';
import type { AppServer } from './socket-types';
import type { TokenAuthority } from './tokens';

export type DropMode = schemas.DropMode;

export interface ControlSocketInfo {
  id: string;
  userId: string;
  email: string;
  organizationId: string;
  rooms: string[];
  recovered: boolean;
  connectedAt: string;
}

export interface ControlState {
  sockets: ControlSocketInfo[];
  /** Socket ids by user email. */
  byUser: Record<string, string[]>;
  simulation: { paused: boolean };
  outage: boolean;
}

/**
 * Test and demo levers, the same capability as `/control/*` over HTTP.
 * Invalid input throws `HttpError` (400/404/409) with a message safe to show.
 */
export interface ControlApi {
  /** Records readings for a unit and emits them as one batch right away. */
  injectReadings(input: schemas.InjectReadingsInput): WireReadingsBatch;
  /** Emits any event name and arguments to an organization's room (or `room`). */
  emitRaw(input: schemas.RawEmitInput): void;
  /** Opens an alert and emits `alert:triggered`. */
  injectAlert(input: schemas.InjectAlertInput): WireAlert;
  /** The evaluator's resolve (as if the unit were back in range): emits `alert:resolved`. */
  resolveAlert(alertId: string): WireAlert;
  /**
   * Acknowledges as another user of the organization (default the colleague),
   * the way the web dashboard does it through REST: no socket event (#10).
   */
  acknowledgeAs(input: schemas.AcknowledgeAsInput): WireAlert;
  /** Resolves as another user, through the REST path: no socket event (#10). */
  resolveAs(input: schemas.ResolveAsInput): WireAlert;
  escalateAlert(alertId: string, level?: number): WireAlert;
  /** 'server-disconnect': `disconnect(true)` for every socket; 'crash': TCP reset, no close frame. */
  dropSockets(mode: DropMode): Promise<number>;
  /** Drops every socket, stops listening for `ms`, listens again on the same port; resolves when back. */
  outage(input: schemas.OutageInput): Promise<void>;
  /** Current access tokens (one user's, or everyone's) answer 'Token expired' from now on. */
  expireTokens(input?: { email?: string }): number;
  /** Access and refresh tokens of the user become invalid. */
  revokeTokens(input: { email: string }): number;
  setSimulation(input: { paused: boolean }): { paused: boolean };
  /** Runs `seconds` of simulated readings immediately (works while paused). */
  stepSimulation(seconds: number): number;
  /** The unit's simulated sensor stops reporting for `seconds` (needs the simulator running). */
  silenceUnit(input: { unitId: string; seconds: number }): void;
  /**
   * Empties the per-process `get:latest` cache as a server restart (or
   * another node) does; REST keeps the database's last readings (issue #10).
   */
  forgetLatestCache(): void;
  /**
   * Sets a unit's limits, given in degrees of its scale; they are stored in
   * tenths like production (issue #10), e.g. 4.5 °C as 45.
   */
  setUnitLimits(input: { unitId: string; tempMin: number; tempMax: number }): void;
  counters(): Counters;
  requests(): RequestLogEntry[];
  state(): ControlState;
}

export interface ControlDeps {
  io: AppServer;
  directory: Directory;
  readings: ReadingStore;
  engine: AlertEngine;
  broadcaster: Broadcaster;
  simulator: Simulator;
  tokens: TokenAuthority;
  accounts: Accounts;
  counters: Counters;
  requestLog: RequestLog;
  tracker: ConnectionTracker;
  now: () => number;
  nextReadingId: () => string;
  /** Stops the listener (after dropping connections) and starts it again. */
  listener: { stop(): Promise<void>; start(): Promise<void> };
}

export interface ControlHandle {
  api: ControlApi;
  /** Ends a running outage without listening again (server shutdown). */
  cancelOutage(): void;
}

export function createControlApi(deps: ControlDeps): ControlHandle {
  let outageCancel: (() => void) | null = null;

  function parse<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
    const result = v.safeParse(schema, input);
    if (!result.success) {
      const issue = result.issues[0];
      const path = issue?.path?.map((p) => String(p.key)).join('.') ?? '';
      throw new HttpError(
        400,
        'invalid_request',
        `${path ? `${path}: ` : ''}${issue?.message ?? 'Invalid input'}`,
      );
    }
    return result.output;
  }

  function unitOrThrow(unitId: string) {
    const unit = deps.directory.units.get(unitId);
    if (!unit) throw new HttpError(404, 'not_found', 'Unknown unit');
    return unit;
  }

  function userOrThrow(email: string) {
    const user = deps.accounts.byEmail(email);
    if (!user) throw new HttpError(404, 'not_found', 'Unknown user');
    return user;
  }

  async function dropSockets(mode: DropMode): Promise<number> {
    const count = deps.io.sockets.sockets.size;
    if (mode === 'server-disconnect') deps.io.disconnectSockets(true);
    else deps.tracker.destroyUpgraded();
    return count;
  }

  const api: ControlApi = {
    injectReadings(raw) {
      const input = parse(schemas.InjectReadingsInput, raw);
      const unit = unitOrThrow(input.unitId);
      for (const reading of input.readings) {
        deps.readings.record({
          id: reading.id ?? deps.nextReadingId(),
          unitId: unit.id,
          deviceId: unit.deviceId,
          temperature: reading.temperature,
          humidity: reading.humidity ?? null,
          battery: reading.battery ?? null,
          signalStrength: reading.signalStrength ?? null,
          timestampMs: reading.timestamp ? Date.parse(reading.timestamp) : deps.now(),
          source: 'control',
        });
      }
      const batch = deps.simulator.flushUnit(unit);
      if (!batch) throw new HttpError(500, 'internal_error', 'Nothing to flush');
      return batch;
    },
    emitRaw(raw) {
      const input = parse(schemas.RawEmitInput, raw);
      const room = input.room ?? rooms.org(input.organizationId ?? DEMO_ORG.id);
      const args = input.args ?? (input.payload === undefined ? [] : [input.payload]);
      deps.broadcaster.raw(room, input.event, args);
    },
    injectAlert(raw) {
      const input = parse(schemas.InjectAlertInput, raw);
      const unit = unitOrThrow(input.unitId);
      const alert = deps.engine.open({
        organizationId: unit.organizationId,
        unitId: unit.id,
        alertType: input.alertType,
        severity: input.severity,
        message: input.message ?? `${unit.name}: injected ${input.alertType}`,
        // The control API takes degrees; the alert stores tenths like production.
        triggerTemperature:
          input.temperature === null
            ? null
            : toScaled('alertTriggerTemperature', input.temperature),
        thresholdViolated: input.thresholdViolated,
        triggeredAt: input.triggeredAt ?? new Date(deps.now()).toISOString(),
      });
      return toWireAlert(alert);
    },
    resolveAlert(alertId) {
      const result = deps.engine.resolve(alertId);
      if (result.ok) return toWireAlert(result.alert);
      if (result.reason === 'not_found') throw new HttpError(404, 'not_found', 'Unknown alert');
      throw new HttpError(409, result.reason, 'Alert is already resolved');
    },
    acknowledgeAs(raw) {
      const input = parse(schemas.AcknowledgeAsInput, raw);
      const user = userOrThrow(input.email);
      const result = deps.engine.acknowledge(input.alertId, user.profileId, input.notes);
      if (result.ok) return toWireAlert(result.alert);
      if (result.reason === 'not_found') throw new HttpError(404, 'not_found', 'Unknown alert');
      throw new HttpError(409, result.reason, `Alert is ${result.reason.replace('_', ' ')}`);
    },
    resolveAs(raw) {
      const input = parse(schemas.ResolveAsInput, raw);
      const user = userOrThrow(input.email);
      const result = deps.engine.resolveManually(input.alertId, {
        by: user.profileId,
        resolution: input.resolution,
        correctiveAction: input.correctiveAction,
      });
      if (result.ok) return toWireAlert(result.alert);
      if (result.reason === 'not_found') throw new HttpError(404, 'not_found', 'Unknown alert');
      throw new HttpError(409, result.reason, 'Alert is already resolved');
    },
    escalateAlert(alertId, level) {
      const alert = deps.engine.escalate(alertId, level);
      if (!alert) throw new HttpError(404, 'not_found', 'Unknown or resolved alert');
      return toWireAlert(alert);
    },
    dropSockets(mode) {
      return dropSockets(parse(schemas.DropMode, mode));
    },
    async outage(raw) {
      const input = parse(schemas.OutageInput, raw);
      if (outageCancel)
        throw new HttpError(409, 'outage_in_progress', 'An outage is already running');
      let cancelled = false;
      let wake: () => void = () => {};
      outageCancel = () => {
        cancelled = true;
        wake();
      };
      try {
        await dropSockets(input.mode);
        await deps.listener.stop();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, input.ms);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        if (!cancelled) await deps.listener.start();
      } finally {
        outageCancel = null;
      }
    },
    expireTokens(input = {}) {
      const email = input.email;
      return deps.tokens.expireAccess(email === undefined ? undefined : userOrThrow(email).id);
    },
    revokeTokens(input) {
      return deps.tokens.revokeUser(userOrThrow(input.email).id);
    },
    setSimulation(input) {
      deps.simulator.setPaused(input.paused);
      return { paused: deps.simulator.isPaused() };
    },
    stepSimulation(seconds) {
      return deps.simulator.step(parse(schemas.StepInput, { seconds }).seconds);
    },
    silenceUnit(raw) {
      const input = parse(schemas.SilenceInput, raw);
      if (!deps.simulator.silenceUnit(input.unitId, input.seconds)) {
        throw new HttpError(404, 'not_found', 'Unknown unit');
      }
    },
    forgetLatestCache: () => deps.readings.forgetCache(),
    setUnitLimits(raw) {
      const input = parse(schemas.UnitLimitsInput, raw);
      const unit = unitOrThrow(input.unitId);
      unit.tempMin = toScaled('unitLimit', input.tempMin);
      unit.tempMax = toScaled('unitLimit', input.tempMax);
    },
    counters: () => snapshotCounters(deps.counters),
    requests: () => deps.requestLog.entries(),
    state() {
      const sockets: ControlSocketInfo[] = [];
      const byUser: Record<string, string[]> = {};
      for (const socket of deps.io.sockets.sockets.values()) {
        const { userId, email, organizationId, connectedAt } = socket.data;
        sockets.push({
          id: socket.id,
          userId,
          email,
          organizationId,
          // A socket is always in its own id room; listing it adds noise, not information.
          rooms: [...socket.rooms].filter((room) => room !== socket.id),
          recovered: socket.recovered,
          connectedAt,
        });
        (byUser[email] ??= []).push(socket.id);
      }
      return {
        sockets,
        byUser,
        simulation: { paused: deps.simulator.isPaused() },
        outage: outageCancel !== null,
      };
    },
  };

  return { api, cancelOutage: () => outageCancel?.() };
}
