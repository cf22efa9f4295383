/** Builders shared by the unit tests: small, explicit, overridable. */
import type {
  Alert,
  Directory,
  Preferences,
  Reading,
  SessionInfo,
  UnitInfo,
} from '../../lib/model';
import { initialState, reduceAll, type State, type StateEvent } from '../../lib/state';

/** 2024-06-01T12:00:00Z. */
export const T0 = Date.UTC(2024, 5, 1, 12, 0, 0);
export const MINUTE = 60_000;

export function reading(overrides: Partial<Reading> & { id: string; at: number }): Reading {
  return {
    unitId: 'u1',
    temperature: 4,
    humidity: null,
    battery: null,
    signalStrength: null,
    ...overrides,
  };
}

export function alert(overrides: Partial<Alert> & { id: string }): Alert {
  return {
    unitId: 'u1',
    type: 'alarm_active',
    typeLabel: 'alarm_active',
    severity: 'warning',
    severityLabel: 'warning',
    message: 'Temperature above limit',
    triggerTemperature: 9.2,
    thresholdViolated: 'max',
    triggeredAt: T0,
    status: 'active',
    acknowledgedAt: null,
    acknowledgedBy: null,
    escalationLevel: 0,
    ...overrides,
  };
}

export function unitInfo(overrides: Partial<UnitInfo> & { id: string }): UnitInfo {
  return {
    name: `Unit ${overrides.id}`,
    siteId: 's1',
    areaId: 'a1',
    unitType: 'fridge',
    tempMin: 2,
    tempMax: 5,
    tempUnit: 'C',
    sortOrder: 0,
    status: 'ok',
    lastReadingAt: null,
    lastTemperature: null,
    ...overrides,
  };
}

/** Two sites: s1 (Kitchen: u1 "Walk-in", u2) and s2 (Bar: u3, in Fahrenheit). */
export function directory(): Directory {
  return {
    organizationId: 'org1',
    sites: [
      { id: 's1', name: 'Kitchen', timezone: 'Europe/Paris' },
      { id: 's2', name: 'Bar', timezone: 'Europe/Paris' },
    ],
    areas: [
      { id: 'a1', siteId: 's1', name: 'Back' },
      { id: 'a2', siteId: 's2', name: 'Front' },
    ],
    units: [
      unitInfo({ id: 'u1', name: 'Walk-in' }),
      unitInfo({ id: 'u2', name: 'Freezer 2', tempMin: -25, tempMax: -15 }),
      unitInfo({
        id: 'u3',
        name: 'Beer fridge',
        siteId: 's2',
        areaId: 'a2',
        tempUnit: 'F',
        tempMin: 34,
        tempMax: 41,
      }),
    ],
    loadedAt: T0,
  };
}

export function prefs(overrides: Partial<Preferences> = {}): Preferences {
  return {
    minSeverity: 'warning',
    quietHours: { enabled: false, start: '22:00', end: '07:00' },
    mutedSiteIds: [],
    renotifyMinutes: 0,
    tempScale: 'unit',
    staleMinutes: 15,
    dashboardUrlTemplate: '{server}',
    sound: { critical: 'repeat', warning: 'once', info: 'off' },
    realertMinutes: { critical: 30, warning: 30, info: 30 },
    ...overrides,
  };
}

/** A signed-in, live state with the directory loaded, at `T0`. */
export function liveState(events: readonly StateEvent[] = []): State {
  return reduceAll(initialState(T0 - 5 * MINUTE), [
    { type: 'connection/connecting', at: T0 - 2 * MINUTE },
    { type: 'connection/live', at: T0 - MINUTE, recovered: false },
    { type: 'directory/loaded', directory: directory() },
    { type: 'tick', now: T0 },
    ...events,
  ]);
}

export function triggered(a: Alert, receivedAt = T0): StateEvent {
  return { type: 'alert/triggered', alert: a, receivedAt };
}

/** A signed-in staff session (password sign-in, not kept across browser restarts). */
export function session(overrides: Partial<SessionInfo> = {}): SessionInfo {
  return {
    serverUrl: 'http://127.0.0.1:1',
    userId: 'user-1',
    email: 'a@example.test',
    displayName: 'A',
    organizationId: 'org-1',
    organizationName: 'Org',
    role: 'staff',
    keepSignedIn: false,
    method: 'password',
    ...overrides,
  };
}
