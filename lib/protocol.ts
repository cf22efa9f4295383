/**
 * The backend contract (docs/protocol.md), in one module shared by the
 * extension and the reference server (`server/`).
 *
 * Wire types describe what the production backend sends, quirks included:
 * batches carry `timestamp` while `get:latest` answers `recordedAt`, optional
 * sensor fields may be `null` or absent, and newer servers may send severities
 * and alert types outside the known lists. The extension never trusts these
 * shapes: `lib/normalize.ts` parses every payload before it reaches state.
 *
 * This module must stay free of browser and Node APIs: both sides import it.
 */
import * as v from './check';

/** Severities the contract names; anything else is kept and ranked as unknown. */
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type WireSeverity = (typeof SEVERITIES)[number];

/** Alert types the contract names; newer servers may send others. */
export const ALERT_TYPES = [
  'alarm_active',
  'monitoring_interrupted',
  'missed_manual_entry',
  'low_battery',
  'sensor_fault',
  'door_open',
  'calibration_due',
] as const;
export type WireAlertType = (typeof ALERT_TYPES)[number];

/** States carried by `unit:state:changed`. */
export const UNIT_STATES = ['normal', 'warning', 'critical', 'offline'] as const;
export type WireUnitState = (typeof UNIT_STATES)[number];

/** Unit `status` values of the REST directory. */
export const UNIT_STATUSES = [
  'ok',
  'excursion',
  'alarm_active',
  'monitoring_interrupted',
  'manual_required',
  'restoring',
  'offline',
] as const;
export type WireUnitStatus = (typeof UNIT_STATUSES)[number];

export const UNIT_TYPES = [
  'fridge',
  'freezer',
  'walk_in',
  'display_case',
  'blast_chiller',
] as const;
export type WireUnitType = (typeof UNIT_TYPES)[number];

export type TempUnit = 'C' | 'F';
export type ThresholdSide = 'min' | 'max';
export type AlertStatus = 'active' | 'acknowledged' | 'resolved' | 'escalated';

/** The exact `connect_error` messages of the server's auth middleware. */
export const AUTH_ERRORS = {
  missing: 'Authentication token required',
  expired: 'Token expired',
  claims: 'Invalid token claims',
  signature: 'Invalid token signature',
  malformed: 'Invalid or malformed token',
  invalid: 'Invalid or expired token',
  noOrganization: 'User has no organization access',
} as const;
export type AuthErrorMessage = (typeof AUTH_ERRORS)[keyof typeof AUTH_ERRORS];

/** Production timings (the reference server uses the same). */
export const SERVER_PING_INTERVAL_MS = 25_000;
export const SERVER_PING_TIMEOUT_MS = 20_000;
export const SOCKET_PATH = '/socket.io/';

/**
 * How the backend stores each temperature field (PROTOCOL.md, the scale
 * table; issue #10): the wire value divided by `divisor` is degrees of the
 * unit's own scale, and `integer` fields that are not integers are garbled.
 * The normalisers (`lib/normalize.ts`) are the only readers of this table;
 * nothing else in the extension scales a temperature. A 4.5 degree value is
 * `4.5` as a reading, `45` as a limit or trigger, `450` as `lastTemperature`.
 */
export const TEMPERATURE_SCALE = {
  /** Reading `temperature` (batches, `sensor:reading`, `get:latest`): degrees. */
  readingTemperature: { divisor: 1, integer: false },
  /** Unit `tempMin` / `tempMax` (REST units): tenths of a degree. */
  unitLimit: { divisor: 10, integer: true },
  /** Alert `triggerTemperature` (`alert:triggered`, REST alerts): tenths of a degree. */
  alertTriggerTemperature: { divisor: 10, integer: true },
  /** Unit `lastTemperature` (REST units): hundredths of a degree. */
  unitLastTemperature: { divisor: 100, integer: true },
} as const satisfies Record<string, { divisor: number; integer: boolean }>;
export type ScaledField = keyof typeof TEMPERATURE_SCALE;

/**
 * The limits of a deployment whose server holds them in whole degrees (its web
 * UI writes some screens that way, PROTOCOL.md): an administrator says so per
 * server (`lib/storage.ts` `wholeDegreeLimitsItem`), and the limits are read
 * with this entry instead of `TEMPERATURE_SCALE.unitLimit`.
 */
export const WHOLE_DEGREE_LIMIT = { divisor: 1, integer: true } as const;

/** Degrees to the stored integer of `field` (the reference server writes with it). */
export function toScaled(field: ScaledField, degrees: number): number {
  const { divisor } = TEMPERATURE_SCALE[field];
  return divisor === 1 ? degrees : Math.round(degrees * divisor);
}

// ---------------------------------------------------------------------------
// Socket.IO events
// ---------------------------------------------------------------------------

export interface WireBatchReading {
  id: string;
  temperature: number;
  humidity?: number | null;
  battery?: number | null;
  signalStrength?: number | null;
  /** Production batches carry `timestamp`; other deployments send `recordedAt`. */
  timestamp?: string;
  recordedAt?: string;
}

export interface WireReadingsBatch {
  unitId: string;
  readings: WireBatchReading[];
  count: number;
}

export interface WireSingleReading {
  unitId: string;
  temperature: number;
  humidity?: number | null;
  timestamp: string;
}

/** The answer of `get:latest`. */
export interface WireLatestReading {
  id: string;
  unitId: string;
  deviceId: string | null;
  temperature: number;
  humidity: number | null;
  battery: number | null;
  signalStrength: number | null;
  recordedAt: string;
  source: string;
}

export interface WireAlertTriggered {
  alertId: string;
  unitId: string;
  alertType: string;
  severity: string;
  message: string;
  triggerTemperature: number | null;
  thresholdViolated: ThresholdSide | null;
  triggeredAt: string;
}

export interface WireAlertAcknowledged {
  alertId: string;
  acknowledgedBy: string;
  timestamp: string;
}

export interface WireAlertResolved {
  alertId: string;
  unitId: string;
  resolvedAt: string;
}

export interface WireAlertEscalated {
  alertId: string;
  unitId: string;
  escalationLevel: number;
}

export interface WireUnitStateChanged {
  unitId: string;
  previousState: string;
  newState: string;
  timestamp: string;
  reason: string;
}

export interface WireConnectionAck {
  socketId: string;
  timestamp: string;
}

export interface WireServerError {
  message: string;
  code?: string;
}

export interface WireSubscriptionError {
  entity: 'site' | 'unit';
  entityId: string;
  message: string;
}

export interface ServerToClientEvents {
  'connection:ack': (payload: WireConnectionAck) => void;
  'sensor:readings:batch': (payload: WireReadingsBatch) => void;
  'sensor:reading': (payload: WireSingleReading) => void;
  'alert:triggered': (payload: WireAlertTriggered) => void;
  'alert:acknowledged': (payload: WireAlertAcknowledged) => void;
  'alert:resolved': (payload: WireAlertResolved) => void;
  'alert:escalated': (payload: WireAlertEscalated) => void;
  'unit:state:changed': (payload: WireUnitStateChanged) => void;
  error: (payload: WireServerError) => void;
  'subscription:error': (payload: WireSubscriptionError) => void;
}

export interface ClientToServerEvents {
  'subscribe:site': (siteId: string) => void;
  'unsubscribe:site': (siteId: string) => void;
  'subscribe:unit': (unitId: string) => void;
  'unsubscribe:unit': (unitId: string) => void;
  'get:latest': (unitId: string, ack: (reading: WireLatestReading | null) => void) => void;
  ping: (ack: (serverTimeMs: number) => void) => void;
}

/** Names of every server event the client listens to (one listener each, ever). */
export const SERVER_EVENTS = [
  'connection:ack',
  'sensor:readings:batch',
  'sensor:reading',
  'alert:triggered',
  'alert:acknowledged',
  'alert:resolved',
  'alert:escalated',
  'unit:state:changed',
  'error',
  'subscription:error',
] as const satisfies readonly (keyof ServerToClientEvents)[];
export type ServerEventName = (typeof SERVER_EVENTS)[number];

/** Room names, as the server builds them. */
export const rooms = {
  org: (orgId: string) => `org:${orgId}`,
  site: (orgId: string, siteId: string) => `org:${orgId}:site:${siteId}`,
  unit: (orgId: string, unitId: string) => `org:${orgId}:unit:${unitId}`,
};

// ---------------------------------------------------------------------------
// REST
// ---------------------------------------------------------------------------

export interface WireMe {
  userId: string;
  email: string;
  displayName: string;
  primaryOrganizationId: string;
  organizations: { organizationId: string; role: string; name?: string }[];
}

export interface WireSite {
  id: string;
  organizationId: string;
  name: string;
  timezone: string;
  isActive: boolean;
}

export interface WireArea {
  id: string;
  siteId: string;
  name: string;
}

export interface WireUnit {
  id: string;
  areaId: string;
  name: string;
  unitType: string;
  status: string;
  tempMin: number | null;
  tempMax: number | null;
  tempUnit: TempUnit;
  lastReadingAt: string | null;
  lastTemperature: number | null;
  isActive: boolean;
  sortOrder: number;
}

export interface WireAlert {
  id: string;
  unitId: string;
  alertType: string;
  severity: string;
  status: AlertStatus;
  message: string;
  triggerTemperature: number | null;
  thresholdViolated: ThresholdSide | null;
  triggeredAt: string;
  acknowledgedAt: string | null;
  /** Profile id (UUID) of who acknowledged, not a name (PROTOCOL.md). */
  acknowledgedBy?: string | null;
  resolvedAt: string | null;
  /** Profile id (UUID) of who resolved it through REST; null when the evaluator did. */
  resolvedBy?: string | null;
  escalationLevel: number;
}

export interface WireTokens {
  accessToken: string;
  refreshToken: string;
  /** ISO 8601 expiry of the access token. */
  expiresAt: string;
}

/** REST error bodies come in two shapes. */
export type WireErrorBody =
  { error: { code: string; message: string } } | { error: string; message?: string };

export { ACK_NOTES_MAX, RESOLUTION_MAX } from './text-limits';

/** The most the alerts list returns in one page. */
export const ALERTS_PAGE_LIMIT = 1000;

/** REST paths, shared so that client and server cannot drift apart. */
export const api = {
  login: '/api/auth/login',
  refresh: '/api/auth/refresh',
  me: '/api/auth/me',
  sites: (org: string) => `/api/orgs/${enc(org)}/sites`,
  areas: (org: string, site: string) => `/api/orgs/${enc(org)}/sites/${enc(site)}/areas`,
  units: (org: string, site: string, area: string) =>
    `/api/orgs/${enc(org)}/sites/${enc(site)}/areas/${enc(area)}/units`,
  alerts: (org: string) => `/api/orgs/${enc(org)}/alerts`,
  acknowledge: (org: string, alert: string) =>
    `/api/orgs/${enc(org)}/alerts/${enc(alert)}/acknowledge`,
  resolve: (org: string, alert: string) => `/api/orgs/${enc(org)}/alerts/${enc(alert)}/resolve`,
};

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

// ---------------------------------------------------------------------------
// Payload schemas (lib/check.ts, valibot's semantics)
// ---------------------------------------------------------------------------
//
// The schemas check the *shape* of what the backend sends; `lib/normalize.ts`
// then applies the meaning (time parsing, temperature limits, id rules, text
// caps) and turns wire shapes into domain types. They are deliberately lenient
// where the contract is loose: optional sensor fields, labels and messages fall
// back instead of failing, because a garbled humidity must not hide a
// temperature and a garbled message must not hide an alert. Fields the contract
// does not name are stripped (`object`).
//
// Arrays are parsed as `unknown[]` and their items one by one by the caller, so
// that one bad item drops only itself and a huge array is refused before any
// item is looked at.

/** A number or null; anything else (string, object) falls back to null. */
const lenientNumber = v.fallback(v.nullable(v.number()), null);
/** A string or null; anything else falls back to null. */
const lenientString = v.fallback(v.nullable(v.string()), null);
/** A label or message; anything else falls back to ''. */
const lenientText = v.fallback(v.string(), '');

const batchReadingSchema = v.object({
  id: v.string(),
  temperature: v.unknown(),
  humidity: lenientNumber,
  battery: lenientNumber,
  signalStrength: lenientNumber,
  timestamp: v.optional(v.string()),
  recordedAt: v.optional(v.string()),
});

export const schemas = {
  connectionAck: v.object({ socketId: v.string(), timestamp: v.string() }),
  readingsBatch: v.object({
    unitId: v.string(),
    readings: v.array(v.unknown()),
    /** Advisory: the server's count; the readings array is what counts. */
    count: v.fallback(v.nullable(v.number()), null),
  }),
  batchReading: batchReadingSchema,
  singleReading: v.object({
    unitId: v.string(),
    temperature: v.unknown(),
    humidity: lenientNumber,
    timestamp: v.string(),
  }),
  latestReading: v.object({
    id: v.string(),
    unitId: v.string(),
    deviceId: lenientString,
    temperature: v.unknown(),
    humidity: lenientNumber,
    battery: lenientNumber,
    signalStrength: lenientNumber,
    recordedAt: v.optional(v.string()),
    timestamp: v.optional(v.string()),
    source: lenientText,
  }),
  alertTriggered: v.object({
    alertId: v.string(),
    unitId: v.string(),
    alertType: lenientText,
    severity: lenientText,
    message: lenientText,
    triggerTemperature: lenientNumber,
    thresholdViolated: lenientString,
    triggeredAt: lenientText,
  }),
  alertAcknowledged: v.object({
    alertId: v.string(),
    acknowledgedBy: lenientText,
    timestamp: lenientText,
  }),
  alertResolved: v.object({ alertId: v.string(), unitId: v.string(), resolvedAt: lenientText }),
  alertEscalated: v.object({
    alertId: v.string(),
    unitId: v.string(),
    escalationLevel: v.number(),
  }),
  unitStateChanged: v.object({
    unitId: v.string(),
    previousState: lenientText,
    newState: lenientText,
    timestamp: lenientText,
    reason: lenientText,
  }),
  serverError: v.object({ message: lenientText, code: lenientString }),
  subscriptionError: v.object({
    entity: v.picklist(['site', 'unit']),
    entityId: v.string(),
    message: lenientText,
  }),
  me: v.object({
    userId: v.string(),
    email: lenientText,
    displayName: lenientText,
    primaryOrganizationId: v.string(),
    organizations: v.array(v.unknown()),
  }),
  membership: v.object({
    organizationId: v.string(),
    role: lenientText,
    name: lenientString,
  }),
  site: v.object({
    id: v.string(),
    organizationId: lenientText,
    name: lenientText,
    timezone: lenientText,
    isActive: v.fallback(v.boolean(), true),
  }),
  area: v.object({ id: v.string(), siteId: v.string(), name: lenientText }),
  unit: v.object({
    id: v.string(),
    areaId: v.string(),
    name: lenientText,
    unitType: lenientText,
    status: lenientText,
    tempMin: lenientNumber,
    tempMax: lenientNumber,
    tempUnit: v.picklist(['C', 'F']),
    lastReadingAt: lenientString,
    lastTemperature: lenientNumber,
    isActive: v.fallback(v.boolean(), true),
    sortOrder: v.fallback(v.number(), 0),
  }),
  alert: v.object({
    id: v.string(),
    unitId: v.string(),
    alertType: lenientText,
    severity: lenientText,
    status: lenientText,
    message: lenientText,
    triggerTemperature: lenientNumber,
    thresholdViolated: lenientString,
    triggeredAt: lenientText,
    acknowledgedAt: lenientString,
    acknowledgedBy: lenientString,
    resolvedAt: lenientString,
    escalationLevel: v.fallback(v.number(), 0),
  }),
  tokens: v.object({
    accessToken: v.string(),
    refreshToken: v.string(),
    expiresAt: v.string(),
  }),
  errorBody: v.object({
    error: v.union([v.string(), v.object({ code: lenientText, message: lenientText })] as const),
  }),
};

export type Schemas = typeof schemas;
export type SchemaName = keyof Schemas;
export type ParsedWire<K extends SchemaName> = v.Output<Schemas[K]>;

/** A schema check: the wire shape, or the first issue's message. */
export type WireParse<T> = { ok: true; value: T } | { ok: false; issue: string };

/**
 * Checks `raw` against one of `schemas`. Never throws: a payload whose getters
 * throw (a Proxy, a hostile object) fails like any other bad shape.
 */
export function parseWire<K extends SchemaName>(name: K, raw: unknown): WireParse<ParsedWire<K>> {
  try {
    const value = (schemas[name] as v.Schema<ParsedWire<K>>)(raw);
    if (value !== v.NO) return { ok: true, value };
    const { path, message } = v.lastIssue;
    return { ok: false, issue: path.length > 0 ? `${path.join('.')}: ${message}` : message };
  } catch {
    return { ok: false, issue: 'unreadable payload' };
  }
}

export const parseConnectionAck = (raw: unknown) => parseWire('connectionAck', raw);
export const parseReadingsBatch = (raw: unknown) => parseWire('readingsBatch', raw);
export const parseBatchReading = (raw: unknown) => parseWire('batchReading', raw);
export const parseSingleReading = (raw: unknown) => parseWire('singleReading', raw);
export const parseLatestReading = (raw: unknown) => parseWire('latestReading', raw);
export const parseAlertTriggered = (raw: unknown) => parseWire('alertTriggered', raw);
export const parseAlertAcknowledged = (raw: unknown) => parseWire('alertAcknowledged', raw);
export const parseAlertResolved = (raw: unknown) => parseWire('alertResolved', raw);
export const parseAlertEscalated = (raw: unknown) => parseWire('alertEscalated', raw);
export const parseUnitStateChanged = (raw: unknown) => parseWire('unitStateChanged', raw);
export const parseServerError = (raw: unknown) => parseWire('serverError', raw);
export const parseSubscriptionError = (raw: unknown) => parseWire('subscriptionError', raw);
export const parseMe = (raw: unknown) => parseWire('me', raw);
export const parseSite = (raw: unknown) => parseWire('site', raw);
export const parseArea = (raw: unknown) => parseWire('area', raw);
export const parseUnit = (raw: unknown) => parseWire('unit', raw);
export const parseAlert = (raw: unknown) => parseWire('alert', raw);
export const parseTokens = (raw: unknown) => parseWire('tokens', raw);
export const parseErrorBody = (raw: unknown) => parseWire('errorBody', raw);
