/**
 * Everything that must survive a service-worker restart (STYLE 9). Memory in
 * the worker holds only caches that can be rebuilt from these items and the
 * server.
 *
 * Where a secret lives is a security decision (issue #3): the access token is
 * in `storage.session` (memory only, gone when the browser closes, not exposed
 * to content scripts); the refresh token is in `storage.local` only when the
 * user chose "Keep me signed in". Nothing else stored here is secret.
 */
import { defineItem } from './storage-item';
import type {
  Alert,
  Directory,
  Preferences,
  Reading,
  Scope,
  SessionInfo,
  UnitState,
} from './model';
import type { LoggedEvent } from './event-log';
import type { UnitExcursions } from './state/excursions';

/** Defaults a fresh install starts with. */
export const DEFAULT_PREFERENCES: Preferences = {
  minSeverity: 'warning',
  quietHours: { enabled: false, start: '22:00', end: '07:00' },
  mutedSiteIds: [],
  renotifyMinutes: 0,
  tempScale: 'unit',
  staleMinutes: 15,
  dashboardUrlTemplate: '{server}/orgs/{org}/sites/{site}/units/{unit}',
  // Issue #13: a critical alert is heard until someone acts on it; a warning once.
  sound: { critical: 'repeat', warning: 'once', info: 'off' },
  realertMinutes: { critical: 30, warning: 30, info: 30 },
};

/**
 * Version 2 (issue #13) added `sound` and `realertMinutes`: stored version-1
 * preferences get their defaults.
 */
export function migratePreferencesV2(stored: Partial<Preferences>): Preferences {
  return {
    ...DEFAULT_PREFERENCES,
    ...stored,
    sound: { ...DEFAULT_PREFERENCES.sound, ...stored.sound },
    realertMinutes: { ...DEFAULT_PREFERENCES.realertMinutes, ...stored.realertMinutes },
  };
}

export const DEFAULT_SCOPE: Scope = { kind: 'organization' };

/** The access token and when it stops working; never logged, never in a URL. */
export interface AccessToken {
  token: string;
  /** Epoch ms; 0 when unknown (a pasted token whose expiry we cannot read). */
  expiresAt: number;
}

/** What the popup paints from before the connection is back (issue #3). */
export interface PersistedSnapshot {
  savedAt: number;
  organizationId: string;
  latest: { unitId: string; reading: Reading | null; state: UnitState }[];
  alerts: Alert[];
  /** Resolved alert ids with when, so a replayed trigger stays resolved. */
  tombstones: [string, number][];
  lastDataAt: number | null;
}

/** Who is signed in (no token). `null` when signed out. */
export const sessionItem = defineItem<SessionInfo | null>('local:session', {
  fallback: null,
  version: 1,
});

/** Access token; session storage only. */
export const accessTokenItem = defineItem<AccessToken | null>('session:accessToken', {
  fallback: null,
  version: 1,
});

/** Refresh token; present only with "Keep me signed in". */
export const refreshTokenItem = defineItem<string | null>('local:refreshToken', {
  fallback: null,
  version: 1,
});

/** Refresh token kept in memory only, when "Keep me signed in" is off. */
export const sessionRefreshTokenItem = defineItem<string | null>('session:refreshToken', {
  fallback: null,
  version: 1,
});

/**
 * Notification, sound, re-alert and display preferences. Version 2 (issue
 * #13) added `sound` and `realertMinutes`.
 */
export const preferencesItem = defineItem<Preferences>('local:preferences', {
  fallback: DEFAULT_PREFERENCES,
  version: 2,
  migrations: { 2: migratePreferencesV2 },
});

/** The sites and units the supervisor watches. */
export const scopeItem = defineItem<Scope>('local:scope', {
  fallback: DEFAULT_SCOPE,
  version: 1,
});

/** Cached unit directory (names, sites, thresholds), refreshed from REST. */
export const directoryItem = defineItem<string | Directory | null>('local:directory', {
  fallback: null,
  version: 1,
});

/**
 * The cached directory, or null (none, or unreadable). Stored as one JSON
 * string (#14): 1,000 units as an object took the storage binding tens of
 * ms of the worker's main thread at every directory refresh. An object
 * stored by an earlier version is still read.
 */
export async function loadStoredDirectory(): Promise<Directory | null> {
  return parseStored(await directoryItem.getValue());
}

export async function saveStoredDirectory(directory: Directory): Promise<void> {
  await directoryItem.setValue(JSON.stringify(directory));
}

/**
 * Servers whose unit limits are stored in whole degrees, keyed by server
 * origin (`https://cold.example.com`; issue #10). The contract stores
 * `tempMin` / `tempMax` in tenths of a degree, but the backend's own web UI
 * writes some limits in whole degrees (PROTOCOL.md, the scale table), so a
 * deployment may hold them that way; an administrator says so here, from the
 * options page, for the server they are signed in to. `true`: limits are read
 * as whole degrees; absent or `false`: tenths, as the contract says. Only the
 * limits change: readings, trigger and last temperatures keep their scales.
 */
export const wholeDegreeLimitsItem = defineItem<Record<string, boolean>>(
  'local:wholeDegreeLimits',
  { fallback: {}, version: 1 },
);

/** Whether `origin` holds its limits in whole degrees (`wholeDegreeLimitsItem`). */
export async function readsWholeDegreeLimits(origin: string): Promise<boolean> {
  const servers = await wholeDegreeLimitsItem.getValue();
  return Object.hasOwn(servers, origin) && servers[origin] === true;
}

/** Records the whole-degree limits setting of one server (`wholeDegreeLimitsItem`). */
export async function setWholeDegreeLimits(origin: string, enabled: boolean): Promise<void> {
  const servers = { ...(await wholeDegreeLimitsItem.getValue()) };
  if (enabled) servers[origin] = true;
  else delete servers[origin];
  await wholeDegreeLimitsItem.setValue(servers);
}

/**
 * Alert ids already notified, with when: one notification per alert, ever,
 * across worker restarts and resyncs. Bounded by the caller.
 */
export const notifiedItem = defineItem<Record<string, number>>('local:notified', {
  fallback: {},
  version: 1,
});

/** Alerts snoozed from a notification, with the epoch ms they wake again. */
export const snoozedItem = defineItem<Record<string, number>>('local:snoozed', {
  fallback: {},
  version: 1,
});

/**
 * Last known state for an instant popup after a worker restart. Session
 * storage: it is rebuilt from the server after every connect anyway.
 *
 * Stored as one JSON string (#14): handing the browser the snapshot as an
 * object of 1,000 readings and the open alerts took it 60-80 ms of the
 * worker's main thread per write (the worker profile's "setAccessLevel"
 * entry, Chrome's name for its storage binding), and an alert change writes
 * it within 2 s; `JSON.stringify` of the same data takes a few. An object
 * written by an earlier version is still read (`loadSnapshot`).
 */
export const snapshotItem = defineItem<string | PersistedSnapshot | null>('session:snapshot', {
  fallback: null,
  version: 1,
});

/**
 * The alerts half of the snapshot (#14): the open alerts and the tombstones,
 * stored apart from the units' readings. An alert change must be in storage
 * within seconds (a restarted worker must not announce it again), readings
 * only every 30 s; in one item, every alert change rewrote the readings of
 * 1,000 units too (the worker profile's top entry under the simulator).
 */
export const alertsSnapshotItem = defineItem<string | null>('session:alertsSnapshot', {
  fallback: null,
  version: 1,
});

/**
 * The popup's first view (#14, `lib/first-view.ts`): the summary and the
 * first page of rows as one JSON string, painted by the popup before React
 * loads. Session storage, like the snapshot; the popup reads the raw key
 * (`FIRST_VIEW_KEY`), so it has no version metadata.
 */
export const firstViewItem = defineItem<string | null>('session:firstView', {
  fallback: null,
  version: 1,
});

/** The snapshot's two halves, as `saveSnapshot` writes them. */
type UnitsPart = Pick<PersistedSnapshot, 'savedAt' | 'organizationId' | 'latest' | 'lastDataAt'>;
type AlertsPart = Pick<PersistedSnapshot, 'savedAt' | 'organizationId' | 'alerts' | 'tombstones'>;

/**
 * The stored snapshot, or null (none, or its readings unreadable): the units'
 * readings with the alerts stored beside them (`alertsSnapshotItem`) when
 * they are the same organization's. A snapshot written whole by an earlier
 * version (object or string, alerts inside) is still read.
 */
export async function loadSnapshot(): Promise<PersistedSnapshot | null> {
  const [rawUnits, rawAlerts] = await Promise.all([
    snapshotItem.getValue(),
    alertsSnapshotItem.getValue(),
  ]);
  const units = parseStored<UnitsPart & Partial<AlertsPart>>(rawUnits);
  if (units === null) return null;
  const alerts = parseStored<AlertsPart>(rawAlerts);
  const own = alerts !== null && alerts.organizationId === units.organizationId ? alerts : null;
  return {
    savedAt: units.savedAt,
    organizationId: units.organizationId,
    latest: units.latest,
    lastDataAt: units.lastDataAt,
    alerts: own?.alerts ?? units.alerts ?? [],
    tombstones: own?.tombstones ?? units.tombstones ?? [],
  };
}

/** Removes both halves of the snapshot (sign-out, another organization). */
export async function removeSnapshot(): Promise<void> {
  await Promise.all([snapshotItem.removeValue(), alertsSnapshotItem.removeValue()]);
}

/**
 * The snapshot's bound (issue #11). `storage.session` holds 10 MB in all and
 * the tokens live there too: an unbounded snapshot (50,000 ghost units, a
 * flood of alerts) could fill it, and the next token save would then fail
 * and sign the user out. 2 MiB leaves the tokens (at most 2 × 16 KiB) room
 * many times over; what is cut is only the instant paint after a restart,
 * which the resync after connecting rebuilds anyway.
 */
export const SNAPSHOT_MAX_BYTES = 2 * 1024 * 1024;
/** Of `SNAPSHOT_MAX_BYTES`, what the alerts half may take (the readings take the rest). */
export const SNAPSHOT_ALERTS_MAX_BYTES = 512 * 1024;
export const SNAPSHOT_MAX_UNITS = 5_000;
export const SNAPSHOT_MAX_ALERTS = 2_000;
export const SNAPSHOT_MAX_TOMBSTONES = 2_000;

/** The quota of `storage.session` (Chrome 112+ and Firefox): 10 MB. */
export const SESSION_STORAGE_QUOTA_BYTES = 10 * 1024 * 1024;

/** UTF-8 size of the JSON the browser stores (and counts against the quota). */
export function storedSize(value: unknown): number {
  const json = JSON.stringify(value);
  // One byte per UTF-16 unit at least, three at most: measure only when it matters.
  return json.length * 3 <= SNAPSHOT_MAX_BYTES
    ? json.length
    : new TextEncoder().encode(json).length;
}

/**
 * The JSON text of `part`, its lists cut to `maxBytes` as stored (the text
 * is itself a JSON string value, quotes escaped): the largest list halved
 * until it fits (`keepNewest` lists keep their tail). Stringified once when it
 * fits, as it does but for a flood.
 */
function boundedJson<T extends object>(
  part: T,
  lists: readonly (keyof T & string)[],
  keepNewest: ReadonlySet<string>,
  maxBytes: number,
): string {
  let bounded = part;
  for (;;) {
    const json = JSON.stringify(bounded);
    if (storedSize(json) <= maxBytes) return json;
    const longest = [...lists].sort(
      (a, b) => (bounded[b] as unknown[]).length - (bounded[a] as unknown[]).length,
    )[0];
    const list = longest === undefined ? [] : (bounded[longest] as unknown[]);
    if (longest === undefined || list.length === 0) return json;
    const half = keepNewest.has(longest)
      ? list.slice(Math.ceil(list.length / 2))
      : list.slice(0, Math.floor(list.length / 2));
    bounded = { ...bounded, [longest]: half };
  }
}

const NEWEST = new Set(['alerts', 'tombstones']);

function unitsJson(snapshot: PersistedSnapshot): string {
  const part: UnitsPart = {
    savedAt: snapshot.savedAt,
    organizationId: snapshot.organizationId,
    latest: snapshot.latest.slice(0, SNAPSHOT_MAX_UNITS),
    lastDataAt: snapshot.lastDataAt,
  };
  return boundedJson(part, ['latest'], NEWEST, SNAPSHOT_MAX_BYTES - SNAPSHOT_ALERTS_MAX_BYTES);
}

function alertsJson(snapshot: PersistedSnapshot): string {
  const part: AlertsPart = {
    savedAt: snapshot.savedAt,
    organizationId: snapshot.organizationId,
    alerts: snapshot.alerts.slice(-SNAPSHOT_MAX_ALERTS),
    tombstones: snapshot.tombstones.slice(-SNAPSHOT_MAX_TOMBSTONES),
  };
  return boundedJson(part, ['alerts', 'tombstones'], NEWEST, SNAPSHOT_ALERTS_MAX_BYTES);
}

/**
 * The snapshot cut to its bounds, as `saveSnapshot` stores it: the first
 * units within `SNAPSHOT_MAX_BYTES - SNAPSHOT_ALERTS_MAX_BYTES`, the newest
 * alerts and tombstones within `SNAPSHOT_ALERTS_MAX_BYTES`.
 */
export function boundSnapshot(snapshot: PersistedSnapshot): PersistedSnapshot {
  const units = JSON.parse(unitsJson(snapshot)) as UnitsPart;
  const alerts = JSON.parse(alertsJson(snapshot)) as AlertsPart;
  return {
    ...snapshot,
    latest: units.latest,
    alerts: alerts.alerts,
    tombstones: alerts.tombstones,
  };
}

/** Which halves of the snapshot a write stores. */
export interface SnapshotParts {
  units: boolean;
  alerts: boolean;
}

/**
 * Saves the snapshot's `parts` within their bounds. A failed write (the
 * quota, whatever else filled it) removes the old half rather than leaving it
 * to grow stale, and never throws into the worker.
 */
export async function saveSnapshot(
  snapshot: PersistedSnapshot,
  parts: SnapshotParts = { units: true, alerts: true },
): Promise<void> {
  const writes: Promise<void>[] = [];
  if (parts.units) {
    writes.push(
      snapshotItem
        .setValue(unitsJson(snapshot))
        .catch(() => snapshotItem.removeValue().catch(() => undefined)),
    );
  }
  if (parts.alerts) {
    writes.push(
      alertsSnapshotItem
        .setValue(alertsJson(snapshot))
        .catch(() => alertsSnapshotItem.removeValue().catch(() => undefined)),
    );
  }
  await Promise.all(writes);
}

/**
 * Alerts a sound was played for (issue #13): alert id → when it first and
 * last sounded (epoch ms). Persisted before the sound plays, so a worker
 * restart never plays one alert twice and a repeat keeps its schedule and its
 * 10-minute cap. Bounded by the caller (`SOUND_MEMORY_LIMIT`, lib/sound-policy.ts).
 */
export const soundPlayedItem = defineItem<Record<string, { first: number; last: number }>>(
  'local:soundPlayed',
  { fallback: {}, version: 1 },
);

/**
 * Acknowledged alerts re-alerted because their unit was still out of range
 * (issue #13): alert id → when (epoch ms), so the next one is a full period
 * later, also after a worker restart. Bounded by the caller
 * (`REALERT_MEMORY_LIMIT`, lib/realert-policy.ts).
 */
export const realertedItem = defineItem<Record<string, number>>('local:realerted', {
  fallback: {},
  version: 1,
});

/** Whether the "monitoring stopped" notification was already shown for this sign-out. */
export const stoppedNotifiedItem = defineItem<boolean>('local:stoppedNotified', {
  fallback: false,
  version: 1,
});

/** The excursion intervals as saved (issue #13), for one organization. */
export interface PersistedExcursions {
  organizationId: string;
  /** Local clock of the save. */
  savedAt: number;
  /** Per unit: the excursion in progress and the closed intervals (sensor times). */
  units: Record<string, UnitExcursions>;
}

/**
 * Time out of range per unit (issue #13): the cumulative minutes of the last
 * 24 h must survive a worker restart, and a browser restart too (a shift's
 * record), so local storage. Bounded by `lib/state/excursions.ts` (48
 * intervals a unit, 5,000 in all, nothing older than 24 h: at most a few
 * hundred KB); written at most every 5 s by `lib/effects/excursions.ts`,
 * never per reading; removed at sign-out.
 */
export const excursionsItem = defineItem<string | PersistedExcursions | null>('local:excursions', {
  fallback: null,
  version: 1,
});

/**
 * Stored as one JSON string, like the snapshot (#14): an object of a few
 * hundred KB took the browser's storage binding tens of ms of the worker's
 * main thread per write, every 5 s while units were out of range, and an
 * alert arriving meanwhile waited. What an earlier version stored as an
 * object is still read.
 */
function parseStored<T extends object>(raw: string | T | null): T | null {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return null;
  }
}

/** The saved excursions, or null (none, or unreadable). */
export async function loadExcursions(): Promise<PersistedExcursions | null> {
  return parseStored(await excursionsItem.getValue());
}

export async function saveExcursions(value: PersistedExcursions): Promise<void> {
  await excursionsItem.setValue(JSON.stringify(value));
}

/** The "since you last looked" log as saved (issue #13), for one organization. */
export interface PersistedEventLog {
  organizationId: string;
  /** Oldest first, bounded by `lib/event-log.ts` (200 entries, 7 days). */
  events: LoggedEvent[];
  /** When the popup was last closed (server clock), or null before the first time. */
  lookedAt: number | null;
}

/**
 * "Since you last looked" (issue #13): alerts triggered, escalated,
 * acknowledged (by "you" or a label, never a profile id) and resolved, units
 * that went offline and came back, and when the popup was last closed. Local
 * storage: the shift-change digest must survive a browser restart. At most
 * 200 entries of the last 7 days (a few tens of KB); written at most every
 * 2 s by `lib/effects/event-log.ts`.
 */
export const eventLogItem = defineItem<string | PersistedEventLog | null>('local:eventLog', {
  fallback: null,
  version: 1,
});

/** The saved log, or null (none, or unreadable); one JSON string like the excursions. */
export async function loadEventLog(): Promise<PersistedEventLog | null> {
  return parseStored(await eventLogItem.getValue());
}

export async function saveEventLog(value: PersistedEventLog): Promise<void> {
  await eventLogItem.setValue(JSON.stringify(value));
}
