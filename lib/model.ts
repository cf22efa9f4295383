/**
 * Frostline's own domain types: what the background keeps after normalising
 * the wire payloads of `lib/protocol.ts`, and what the popup and options page
 * receive. Times are epoch milliseconds; temperatures stay in the unit's own
 * scale (`UnitInfo.tempUnit`) and are converted only for display.
 */
import type { TempUnit, ThresholdSide, WireAlertType, WireSeverity } from './protocol';
import type { StackConfig } from './stack-auth';

/** The protocol's severities plus `unknown` for values a newer server may send. */
export type Severity = WireSeverity | 'unknown';

/**
 * The protocol's alert types plus `other` for values a newer server may send.
 * Derived from `ALERT_TYPES` (issue #9): adding a type there is one change,
 * and every label record keyed by it fails to compile until it names it.
 */
export type AlertType = WireAlertType | 'other';

/** Live state of a unit as `unit:state:changed` reports it. */
export type UnitState = 'normal' | 'warning' | 'critical' | 'offline' | 'unknown';

export interface Reading {
  /** Reading id; readings from `sensor:reading` (no id) get a derived one. */
  id: string;
  unitId: string;
  temperature: number;
  humidity: number | null;
  battery: number | null;
  signalStrength: number | null;
  /** When the sensor took it (the reading's `timestamp` or `recordedAt`). */
  at: number;
}

export interface SiteInfo {
  id: string;
  name: string;
  timezone: string;
}

export interface AreaInfo {
  id: string;
  siteId: string;
  name: string;
}

export interface UnitInfo {
  id: string;
  name: string;
  siteId: string;
  areaId: string;
  unitType: string;
  tempMin: number | null;
  tempMax: number | null;
  tempUnit: TempUnit;
  sortOrder: number;
  /** The directory's status when it was loaded (REST `status`). */
  status: string;
  lastReadingAt: number | null;
  lastTemperature: number | null;
}

/** The organization's sites, areas and units, from REST (cached in storage). */
export interface Directory {
  organizationId: string;
  sites: SiteInfo[];
  areas: AreaInfo[];
  units: UnitInfo[];
  loadedAt: number;
  /**
   * The limits were read as whole degrees, not tenths: the server's setting
   * (`lib/storage.ts` `wholeDegreeLimitsItem`, issue #10) when it was loaded.
   */
  wholeDegreeLimits?: boolean;
}

export interface Alert {
  id: string;
  unitId: string;
  type: AlertType;
  /** The type as the server sent it (shown when `type` is `other`). */
  typeLabel: string;
  severity: Severity;
  /** The severity as the server sent it (shown when `severity` is `unknown`). */
  severityLabel: string;
  message: string;
  triggerTemperature: number | null;
  thresholdViolated: ThresholdSide | null;
  triggeredAt: number;
  status: 'active' | 'acknowledged';
  acknowledgedAt: number | null;
  /** Who acknowledged: a profile id (UUID) as the server sends it; never shown raw (#10). */
  acknowledgedBy: string | null;
  /**
   * Acknowledged by the signed-in supervisor from this extension (issue #10):
   * shown as "you". The server names people only by profile id, so this is
   * remembered from our own acknowledge's answer.
   */
  acknowledgedByYou?: boolean;
  escalationLevel: number;
}

export type ConnectionStatus = 'signed-out' | 'connecting' | 'live' | 'reconnecting' | 'offline';

/** Typed reasons the connection is not live; never carries a token. */
export type ConnectionErrorCode =
  | 'auth-rejected'
  | 'refresh-failed'
  | 'server-unreachable'
  | 'server-disconnect'
  | 'transport'
  | 'ping-timeout'
  | 'browser-offline'
  | 'insecure-url'
  | 'no-permission';

export interface ConnectionError {
  code: ConnectionErrorCode;
  /** Human-readable detail, safe to show and to copy into diagnostics. */
  message: string;
  at: number;
}

export interface ConnectionInfo {
  status: ConnectionStatus;
  /** When `status` last changed. */
  since: number;
  /** When any server event last arrived. */
  lastEventAt: number | null;
  /** Sensor time of the newest reading received from any unit. */
  lastDataAt: number | null;
  /** Round trip of the last application `ping`, in ms. */
  rtt: number | null;
  reconnects: number;
  lastError: ConnectionError | null;
  /** Server clock minus local clock, estimated from `ping` acks (ms). */
  clockOffset: number;
}

/** A stored preference set; see `lib/storage.ts` for defaults. */
export interface Preferences {
  /** Least severity that raises a desktop notification. */
  minSeverity: 'info' | 'warning' | 'critical';
  /** Quiet hours (local time, `HH:MM`); critical alerts still notify. */
  quietHours: { enabled: boolean; start: string; end: string };
  /** Sites whose alerts never notify (they still count on the badge). */
  mutedSiteIds: string[];
  /** Re-notify an unacknowledged critical alert every N minutes; 0 = off. */
  renotifyMinutes: number;
  /** Display scale: the unit's own, or always Celsius or Fahrenheit. */
  tempScale: 'unit' | TempUnit;
  /** A unit is stale when it has not reported for this many minutes. */
  staleMinutes: number;
  /** Dashboard link; `{server}`, `{org}`, `{site}`, `{unit}`, `{alert}` are replaced. */
  dashboardUrlTemplate: string;
  /**
   * Sound per severity (issue #13): `off`, `once` when the alert triggers, or
   * `repeat` every 30 s until acknowledged (at most 10 minutes). Quiet hours
   * and muted sites apply as they do to notifications; critical breaks
   * through quiet hours. An `unknown` severity sounds like a warning.
   */
  sound: Record<PreferenceSeverity, SoundMode>;
  /**
   * Re-alert an acknowledged alert whose unit is still out of range after
   * this many minutes, once per period, per severity; 0 = off (issue #13).
   */
  realertMinutes: Record<PreferenceSeverity, number>;
}

/** The severities a preference is set for; `unknown` follows `warning`. */
export type PreferenceSeverity = 'critical' | 'warning' | 'info';

/** What an alert of a severity sounds like (issue #13). */
export type SoundMode = 'off' | 'once' | 'repeat';

/** What the supervisor watches. */
export type Scope =
  { kind: 'organization' } | { kind: 'selection'; siteIds: string[]; unitIds: string[] };

/** Who is signed in; stored without any token. */
export interface SessionInfo {
  serverUrl: string;
  userId: string;
  email: string;
  displayName: string;
  organizationId: string;
  /** The organization's name when the server tells it, else its id. */
  organizationName: string;
  role: string;
  keepSignedIn: boolean;
  method: 'password' | 'token';
  /**
   * The Stack Auth project the password session belongs to (issue #10): its
   * access token is renewed and its session revoked there. Absent for a
   * pasted access token, which cannot be renewed.
   */
  stack?: StackConfig | null;
  /** When a pasted access token expires (its `exp`, epoch ms); 0 when it does not say. */
  tokenExpiresAt?: number;
}

/** Counters for the diagnostics panel. */
export interface Diagnostics {
  eventsReceived: number;
  readingsReceived: number;
  duplicatesDropped: number;
  /** Invalid payloads dropped, by kind (event name or REST call). */
  invalidByKind: Record<string, number>;
  /** Recent connection transitions, newest last (bounded). */
  history: { at: number; status: ConnectionStatus; detail: string }[];
  notificationsShown: number;
  startedAt: number;
}

// ---------------------------------------------------------------------------
// Added with lib/normalize.ts: normalised REST answers that had no domain type.
// ---------------------------------------------------------------------------

/** `GET /api/auth/me`, normalised. */
export interface Account {
  userId: string;
  email: string;
  displayName: string;
  primaryOrganizationId: string;
  organizations: { organizationId: string; role: string; name: string | null }[];
}

/** Login / refresh answer, normalised; lives in memory or session storage only. */
export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  /** Access-token expiry, epoch ms. */
  expiresAt: number;
}
