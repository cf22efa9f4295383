/** Small, explicit domain fixtures for component tests. */
import { workerView } from './worker-view';
import type { Snapshot, UnitLive } from '../../lib/messages';
import type {
  Alert,
  ConnectionInfo,
  Diagnostics,
  Directory,
  Preferences,
  Reading,
  SessionInfo,
  UnitInfo,
} from '../../lib/model';

export const NOW = Date.now();

export function preferences(over: Partial<Preferences> = {}): Preferences {
  return {
    minSeverity: 'warning',
    quietHours: { enabled: false, start: '22:00', end: '06:00' },
    mutedSiteIds: [],
    renotifyMinutes: 15,
    tempScale: 'unit',
    staleMinutes: 10,
    dashboardUrlTemplate: '{server}/orgs/{org}/sites/{site}/units/{unit}?alert={alert}',
    sound: { critical: 'repeat', warning: 'once', info: 'off' },
    realertMinutes: { critical: 30, warning: 30, info: 30 },
    ...over,
  };
}

export function connection(over: Partial<ConnectionInfo> = {}): ConnectionInfo {
  return {
    status: 'live',
    since: NOW - 60_000,
    lastEventAt: NOW - 1_000,
    lastDataAt: NOW - 2_000,
    rtt: 12,
    reconnects: 0,
    lastError: null,
    clockOffset: 0,
    ...over,
  };
}

export function session(over: Partial<SessionInfo> = {}): SessionInfo {
  return {
    serverUrl: 'https://cold.example.com',
    userId: 'u-1',
    email: 'sam@example.com',
    displayName: 'Sam Supervisor',
    organizationId: 'org-1',
    organizationName: 'Harbour Foods',
    role: 'manager',
    keepSignedIn: true,
    method: 'password',
    ...over,
  };
}

export function diagnostics(over: Partial<Diagnostics> = {}): Diagnostics {
  return {
    eventsReceived: 42,
    readingsReceived: 30,
    duplicatesDropped: 2,
    invalidByKind: { 'sensor:reading': 3 },
    history: [
      { at: NOW - 120_000, status: 'connecting', detail: 'start' },
      { at: NOW - 60_000, status: 'live', detail: 'connected' },
    ],
    notificationsShown: 1,
    startedAt: NOW - 300_000,
    ...over,
  };
}

export function unit(id: string, over: Partial<UnitInfo> = {}): UnitInfo {
  return {
    id,
    name: id,
    siteId: 's-1',
    areaId: 'a-1',
    unitType: 'fridge',
    tempMin: 2,
    tempMax: 5,
    tempUnit: 'C',
    sortOrder: 0,
    status: 'ok',
    lastReadingAt: null,
    lastTemperature: null,
    ...over,
  };
}

export function directory(units: UnitInfo[]): Directory {
  return {
    organizationId: 'org-1',
    sites: [
      { id: 's-1', name: 'Main Kitchen', timezone: 'Europe/Berlin' },
      { id: 's-2', name: 'Harbour Store', timezone: 'Europe/Berlin' },
    ],
    areas: [
      { id: 'a-1', siteId: 's-1', name: 'Cold Room' },
      { id: 'a-2', siteId: 's-1', name: 'Bar' },
      { id: 'a-3', siteId: 's-2', name: 'Back Store' },
    ],
    units,
    loadedAt: NOW - 600_000,
  };
}

let seq = 0;
export function reading(
  unitId: string,
  temperature: number,
  at = NOW - 1_000,
  over: Partial<Reading> = {},
): Reading {
  seq += 1;
  return {
    id: `r-${unitId}-${seq}`,
    unitId,
    temperature,
    humidity: null,
    battery: null,
    signalStrength: null,
    at,
    ...over,
  };
}

export function live(
  unitId: string,
  history: Reading[],
  state: UnitLive['state'] = 'normal',
): UnitLive {
  return { unitId, latest: history[history.length - 1] ?? null, history, state };
}

export function alert(id: string, unitId: string, over: Partial<Alert> = {}): Alert {
  return {
    id,
    unitId,
    type: 'alarm_active',
    typeLabel: 'alarm_active',
    severity: 'critical',
    severityLabel: 'critical',
    message: 'Temperature above limit',
    triggerTemperature: 9.4,
    thresholdViolated: 'max',
    triggeredAt: NOW - 180_000,
    status: 'active',
    acknowledgedAt: null,
    acknowledgedBy: null,
    escalationLevel: 0,
    ...over,
  };
}

/** Three units in two sites: Walk-in 2 too warm with an alert, Freezer 1 fine, Bar Fridge stale. */
export function snapshot(over: Partial<Snapshot> = {}): Snapshot {
  const units = [
    unit('walk-in-2', { name: 'Walk-in 2', areaId: 'a-1' }),
    unit('freezer-1', { name: 'Freezer 1', tempMin: -25, tempMax: -15, areaId: 'a-1' }),
    unit('bar-fridge', { name: 'Bar Fridge', areaId: 'a-2' }),
    unit('dock-chiller', { name: 'Dock Chiller', siteId: 's-2', areaId: 'a-3' }),
  ];
  const base: Omit<Snapshot, 'view'> = {
    connection: connection(),
    session: session(),
    preferences: preferences(),
    delivery: [],
    scope: { kind: 'organization' },
    directory: directory(units),
    units: {
      'walk-in-2': live(
        'walk-in-2',
        [reading('walk-in-2', 8.1, NOW - 60_000), reading('walk-in-2', 9.4, NOW - 2_000)],
        'critical',
      ),
      'freezer-1': live('freezer-1', [
        reading('freezer-1', -18.6, NOW - 60_000),
        reading('freezer-1', -18.2, NOW - 2_000, { humidity: 45, battery: 80 }),
      ]),
      'bar-fridge': live('bar-fridge', [reading('bar-fridge', 4.0, NOW - 40 * 60_000)]),
      'dock-chiller': live('dock-chiller', [reading('dock-chiller', 3.5, NOW - 5_000)]),
    },
    alerts: [alert('al-1', 'walk-in-2')],
    diagnostics: diagnostics(),
    at: NOW,
    ...over,
  };
  return { ...base, view: over.view ?? workerView(base) };
}
