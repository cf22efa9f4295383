/**
 * The valibot schemas the worker used before lib/check.ts replaced valibot
 * (issue #14, row 6a), kept word for word as the reference that
 * tests/unit/check.test.ts compares the hand-written checks with.
 */
import * as v from 'valibot';
import { ACK_NOTES_MAX, RESOLUTION_MAX } from '../../lib/protocol';

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

/** Parse and normalise options shared by every `parseX`. */
export const PARSE_CONFIG = { abortEarly: true } as const;

export const protocolSchemas = {
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
    error: v.union([v.string(), v.object({ code: lenientText, message: lenientText })]),
  }),
};

const MAX_TEXT = 4096;
const text = (max = MAX_TEXT) => v.pipe(v.string(), v.maxLength(max));
const id = v.pipe(v.string(), v.minLength(1), v.maxLength(128));
const ids = v.pipe(v.array(text(128)), v.maxLength(10_000));
const minutes = (min: number) =>
  v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(24 * 60));
const clock = v.pipe(v.string(), v.regex(/^([01]\d|2[0-3]):[0-5]\d$/));

export const ScopeSchema = v.variant('kind', [
  v.object({ kind: v.literal('organization') }),
  v.object({ kind: v.literal('selection'), siteIds: ids, unitIds: ids }),
]);

export const PreferencesPatchSchema = v.partial(
  v.object({
    minSeverity: v.picklist(['info', 'warning', 'critical']),
    quietHours: v.object({ enabled: v.boolean(), start: clock, end: clock }),
    mutedSiteIds: ids,
    renotifyMinutes: minutes(0),
    tempScale: v.picklist(['unit', 'C', 'F']),
    staleMinutes: minutes(1),
    dashboardUrlTemplate: text(2000),
    sound: v.object({
      critical: v.picklist(['off', 'once', 'repeat']),
      warning: v.picklist(['off', 'once', 'repeat']),
      info: v.picklist(['off', 'once', 'repeat']),
    }),
    realertMinutes: v.object({ critical: minutes(0), warning: minutes(0), info: minutes(0) }),
  }),
);

/** Every command a page may send; anything else is answered `bad-request`. */
export const CommandRequestSchema = v.variant('type', [
  v.object({ type: v.literal('snapshot') }),
  v.object({
    type: v.literal('sign-in'),
    serverUrl: text(),
    email: text(320),
    password: text(),
    keepSignedIn: v.boolean(),
    stack: v.object({
      projectId: text(128),
      publishableClientKey: text(256),
      apiUrl: text(2048),
    }),
  }),
  v.object({ type: v.literal('managed-config') }),
  v.object({ type: v.literal('sign-in-token'), serverUrl: text(), accessToken: text(16_384) }),
  v.object({ type: v.literal('sign-out') }),
  v.object({ type: v.literal('set-scope'), scope: ScopeSchema }),
  v.object({ type: v.literal('set-preferences'), preferences: PreferencesPatchSchema }),
  v.object({
    type: v.literal('acknowledge'),
    alertId: id,
    notes: v.optional(text(ACK_NOTES_MAX)),
  }),
  v.object({
    type: v.literal('resolve'),
    alertId: id,
    resolution: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(RESOLUTION_MAX)),
    correctiveAction: v.optional(text(RESOLUTION_MAX)),
  }),
  v.object({ type: v.literal('snooze'), alertId: text(128), minutes: minutes(1) }),
  v.object({ type: v.literal('test-notification') }),
  v.object({ type: v.literal('test-sound') }),
  v.object({ type: v.literal('directory') }),
  v.object({ type: v.literal('diagnostics-text') }),
  v.object({ type: v.literal('set-whole-degree-limits'), enabled: v.boolean() }),
  v.object({ type: v.literal('since-last-looked') }),
  v.object({ type: v.literal('wake') }),
]);

/** Page -> background over the live port. */
export const PortInSchema = v.variant('type', [
  v.object({ type: v.literal('hold'), entity: v.picklist(['site', 'unit']), id }),
  v.object({ type: v.literal('release'), entity: v.picklist(['site', 'unit']), id }),
]);

/**
 * Background -> page. Checked shallowly on purpose: it comes from our own
 * worker (the sender is checked), and a deep check of a 1,000-unit snapshot
 * would cost the popup its time to data.
 */
export const PortOutSchema = v.variant('type', [
  v.object({ type: v.literal('snapshot'), snapshot: v.looseObject({}) }),
  v.object({ type: v.literal('patch'), patch: v.looseObject({}) }),
]);

/** A command's answer, as the page receives it. */
export const ResultSchema = v.variant('ok', [
  v.looseObject({ ok: v.literal(true), data: v.unknown() }),
  v.object({
    ok: v.literal(false),
    error: v.object({ code: v.string(), message: v.string() }),
  }),
]);

const value = (max: number) =>
  v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max)));
export const ManagedConfigSchema = v.object({
  serverUrl: value(2048),
  stackProjectId: value(128),
  stackPublishableClientKey: value(256),
  stackApiUrl: value(2048),
  lockConfiguration: v.optional(v.boolean(), false),
});
const token = v.pipe(v.string(), v.minLength(1), v.maxLength(16_384), v.regex(/^[\x21-\x7E]+$/));
export const SignInSchema = v.object({
  access_token: token,
  refresh_token: token,
  user_id: v.pipe(v.string(), v.maxLength(256)),
});
export const RefreshSchema = v.object({ access_token: token });
export const ErrorSchema = v.looseObject({
  code: v.optional(v.string()),
  error: v.optional(v.unknown()),
});
export const NoOrganizationSchema = v.looseObject({
  primaryOrganizationId: v.nullish(v.never()),
  organizations: v.optional(v.pipe(v.array(v.unknown()), v.maxLength(0))),
});
