/**
 * The edge: every payload from the network goes through one `normalizeX`
 * before it reaches the reducer (STYLE.md §6). Each function checks the wire
 * shape with `lib/protocol.ts` `schemas`, then applies the contract's meaning
 * and returns a domain value or a typed reason it was dropped. None of them
 * throws, whatever the input (hostile getters, 10 MB strings, binary frames):
 * the last line of defence is a try/catch that turns surprises into
 * `unreadable`.
 *
 * Decisions (see PROTOCOL.md for the quirks they answer):
 * - Time: a reading's time is `timestamp`, else `recordedAt` (both are in the
 *   wild). Only ISO 8601 date-times are accepted (not `Date.parse`'s guesses,
 *   which read `"1"` as 2001); a time without offset is UTC, as the server
 *   writes them.
 * - Plausible server times (issue #11): from 2000-01-01 on, and at most 10 min
 *   ahead of the later of the server-corrected clock (`ctx.now`) and the local
 *   clock (`ctx.localNow`), so a wrong clock offset alone can never push real
 *   data "into the future". What falls outside is never used to order
 *   anything: a reading or a unit state change with such a time is dropped
 *   (its time is what orders it; a `9999-12-31` "critical" would otherwise
 *   outrank every later state for the session), an alert keeps the receive
 *   time instead (hiding an alert is worse), and a directory's `lastReadingAt`
 *   becomes unknown. Each is counted (`…/time-out-of-range` when kept).
 * - Optional sensor values out of their physical range (humidity and battery
 *   outside 0..100 %, signal outside -150..100, dBm or a percentage) become
 *   null and are counted (`…/value-out-of-range`); the reading is kept.
 * - Alerts are never dropped for a bad optional field: a garbled time becomes
 *   the receive time, a garbled temperature becomes null. Hiding a real
 *   excursion is worse than showing it with an approximate time.
 * - Optional sensor fields (humidity, battery, signal) that are not finite
 *   numbers become null instead of dropping the reading.
 * - `count` disagreeing with `readings.length` keeps the readings (the array
 *   is what was sent) and sets `countMismatch`, which the caller records under
 *   the diagnostic kind `sensor:readings:batch/count-mismatch`.
 * - Ids must be 1..128 characters, contain no control or invisible characters
 *   (they would be altered by cleaning, and then no longer match) and not be
 *   `__proto__`, `constructor` or `prototype`.
 * - Severities and alert types are matched case-insensitively; others become
 *   `unknown` / `other` with the server's label kept (cleaned, capped).
 * - Temperatures stored as integers are scaled per field (issue #10; the
 *   table is `TEMPERATURE_SCALE` in `lib/protocol.ts`, read only here): limits
 *   and trigger temperatures in tenths, `lastTemperature` in hundredths, or
 *   limits in whole degrees when the administrator said so for the server
 *   (`NormalizeContext.wholeDegreeLimits`). A scaled value that is not an
 *   integer, or impossible once scaled, becomes null and is counted
 *   (`…/bad-scaled-value`): a garbled limit must not fake an excursion.
 * - REST lists drop bad items one by one, skip duplicates (first wins), skip
 *   inactive sites and units (not monitored) and resolved alerts (not open).
 */
import {
  ALERT_TYPES,
  SEVERITIES,
  TEMPERATURE_SCALE,
  UNIT_STATES,
  WHOLE_DEGREE_LIMIT,
  parseWire,
  type ScaledField,
  type SchemaName,
  type ServerEventName,
  type TempUnit,
  type ThresholdSide,
  type ParsedWire,
} from './protocol';
import type {
  Account,
  Alert,
  AlertType,
  AreaInfo,
  Reading,
  Severity,
  SiteInfo,
  TokenSet,
  UnitInfo,
  UnitState,
} from './model';

// ---------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------

/** What a payload was: a server event, the `get:latest` answer or a REST call. */
export type PayloadKind =
  | ServerEventName
  | 'get:latest'
  | 'rest:me'
  | 'rest:sites'
  | 'rest:areas'
  | 'rest:units'
  | 'rest:alerts'
  | 'rest:tokens'
  | 'rest:error';

/**
 * Keys of `Diagnostics.invalidByKind`: a whole payload (`PayloadKind`), one
 * item inside a list or batch (`…/item`), or an advisory oddity that kept the
 * data (`count-mismatch`, an escalation for an alert we do not hold).
 */
export type DiagnosticKind =
  | PayloadKind
  | `${PayloadKind}/item`
  | 'sensor:readings:batch/count-mismatch'
  | 'alert:escalated/unknown-alert'
  /** A server time outside the plausible window, replaced (never used to order anything). */
  | `${PayloadKind}/time-out-of-range`
  /** An optional sensor value outside its physical range, replaced by null. */
  | `${PayloadKind}/value-out-of-range`
  /** A scaled temperature (limit, trigger, last temperature) not an integer or impossible: null. */
  | `${PayloadKind}/bad-scaled-value`
  /** A `ping` answer implying an implausible clock offset; the offset was not used. */
  | 'ping/implausible-clock'
  /** A server event name the contract does not list. */
  | 'unknown-event'
  /** Readings or state changes for a unit the directory does not know, beyond the bound. */
  | 'ghost-unit';

/** Why a payload or item was dropped. */
export type DropReason =
  | 'malformed'
  | 'bad-id'
  | 'bad-time'
  | 'future-time'
  | 'past-time'
  | 'bad-temperature'
  | 'impossible-temperature'
  | 'too-large'
  | 'wrong-unit'
  | 'unreadable';

export interface Dropped {
  ok: false;
  kind: PayloadKind;
  reason: DropReason;
  /** Safe to log: capped and cleaned, never the raw payload. */
  detail: string;
}

export type Normalized<T> = { ok: true; value: T } | Dropped;

/** Context every normaliser needs. */
export interface NormalizeContext {
  /** Current time, already corrected to the server's clock by the caller. */
  now: number;
  /**
   * The local clock. A time counts as "in the future" only when it is ahead of
   * both clocks, so a wrong clock offset alone never drops data (issue #11).
   */
  localNow?: number;
  /** Counts a value that was kept with a replacement (see the `DiagnosticKind`s). */
  count?: (kind: DiagnosticKind) => void;
  /** The unit's scale when the directory knows it (for the absolute-zero check). */
  unitScale?: (unitId: string) => TempUnit | undefined;
  /**
   * The server holds unit limits in whole degrees, not tenths (the per-server
   * setting, `lib/storage.ts` `wholeDegreeLimitsItem`, issue #10).
   */
  wholeDegreeLimits?: boolean;
}

// ---------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------

export const LIMITS = {
  idLength: 128,
  message: 500,
  name: 200,
  label: 100,
  timezone: 64,
  email: 254,
  token: 16_384,
  /** A batch above this is refused whole: the server flushes once a second. */
  batchReadings: 1000,
  /** REST lists above this are refused whole. */
  listItems: 20_000,
  /** How far ahead of `now` a server time may be (sensor clock skew). */
  futureMs: 10 * 60_000,
  /** No server time before this is real: the product and its sensors are younger. */
  earliestTime: Date.UTC(2000, 0, 1),
  /** Relative humidity and battery charge, in percent. */
  maxPercent: 100,
  /** Signal: dBm (negative) or a 0..100 quality, depending on the gateway. */
  minSignal: -150,
  maxSignal: 100,
  maxTemperature: 1000,
  absoluteZeroC: -273.15,
  absoluteZeroF: -459.67,
  maxEscalationLevel: 100,
} as const;

/** Bidi overrides/isolates, zero-width characters, BOM, and C0/DEL controls except tab and newline. */
// Matching control characters is the point of these two patterns.
/* eslint-disable no-control-regex */
const INVISIBLE_GLOBAL =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;
const INVISIBLE_ANY = /[\u0000-\u001F\u007F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/;
/* eslint-enable no-control-regex */
const FORBIDDEN_IDS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
const ISO_DATE_TIME =
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?$/i;
const HAS_OFFSET = /(?:Z|[+-]\d{2}:?\d{2})$/i;
const TOKEN_CHARS = /^[\x21-\x7E]+$/;

// ---------------------------------------------------------------------------
// Small pure helpers (exported for tests and other edges)
// ---------------------------------------------------------------------------

/**
 * Strips invisible and direction-changing characters (which can make
 * `evil.com` read as `moc.live` in a notification) and caps the length.
 * Cuts before cleaning so that a 10 MB string costs no more than a short one.
 */
export function cleanText(raw: string, max: number): string {
  const head = raw.length > max * 2 ? raw.slice(0, max * 2) : raw;
  let text = head.replace(INVISIBLE_GLOBAL, '').trim();
  if (text.length > max) text = text.slice(0, max);
  // Do not leave half a surrogate pair at the cut.
  const last = text.charCodeAt(text.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) text = text.slice(0, -1);
  return text;
}

/** An id we can use as a Map key, a notification id and a URL segment. */
export function isValidId(raw: unknown): raw is string {
  return (
    typeof raw === 'string' &&
    raw.length > 0 &&
    raw.length <= LIMITS.idLength &&
    !FORBIDDEN_IDS.has(raw) &&
    !INVISIBLE_ANY.test(raw)
  );
}

/**
 * The usual wire shape, `2024-06-01T12:00:00.123Z` (or `+02:00`, or no
 * zone), split into its fields. Hot: every reading's time passes here.
 */
const ISO_FIELDS =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))?$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * ISO 8601 date-time to epoch ms; null when it is not one. The usual shape
 * is computed from its fields (#14: `Date.parse` and a `Date` per reading
 * were the worker's heaviest own entry under 1,000 readings/s); anything
 * else (a lowercase `t`/`z`, an offset without colon, a year before 100, a
 * field out of range) goes to `parseIsoTimeByDate`, which decides as before.
 */
export function parseIsoTime(raw: unknown): number | null {
  if (typeof raw !== 'string' || raw.length > 40) return null;
  const m = ISO_FIELDS.exec(raw);
  if (m === null) return parseIsoTimeByDate(raw);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const offsetHours = m[10] === undefined ? 0 : Number(m[10]);
  const offsetMinutes = m[11] === undefined ? 0 : Number(m[11]);
  if (
    year < 100 ||
    month < 1 ||
    month > 12 ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    offsetHours > 23 ||
    offsetMinutes > 59
  ) {
    return parseIsoTimeByDate(raw);
  }
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number);
  if (day < 1 || day > days) return null;
  // Milliseconds: the first three digits of the fraction (the rest is cut).
  const ms = m[7] === undefined ? 0 : Number(`${m[7]}00`.slice(0, 3));
  const offset = (offsetHours * 60 + offsetMinutes) * (m[9] === '-' ? -1 : 1);
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset * 60_000;
}

/** `parseIsoTime` through `Date.parse`, for the shapes its fast path leaves out. */
export function parseIsoTimeByDate(raw: unknown): number | null {
  if (typeof raw !== 'string' || raw.length > 40 || !ISO_DATE_TIME.test(raw)) return null;
  // V8 rolls impossible days over (2024-02-30 → March 1); refuse them instead.
  const year = Number(raw.slice(0, 4));
  const month = Number(raw.slice(5, 7));
  const day = Number(raw.slice(8, 10));
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) {
    return null;
  }
  const text = HAS_OFFSET.test(raw) ? raw : `${raw}Z`;
  const ms = Date.parse(text.replace(' ', 'T'));
  return Number.isFinite(ms) ? ms : null;
}

type TemperatureCheck = { ok: true; value: number } | { ok: false; reason: DropReason };

/** A sensor temperature: finite, physically possible in its scale; -0 becomes 0. */
export function checkTemperature(raw: unknown, scale: TempUnit | undefined): TemperatureCheck {
  if (typeof raw !== 'number' || !Number.isFinite(raw))
    return { ok: false, reason: 'bad-temperature' };
  const floor = scale === 'C' ? LIMITS.absoluteZeroC : LIMITS.absoluteZeroF;
  if (raw < floor || raw > LIMITS.maxTemperature)
    return { ok: false, reason: 'impossible-temperature' };
  return { ok: true, value: raw === 0 ? 0 : raw };
}

/**
 * A stored temperature field in degrees, read with its entry of the scale
 * table (`TEMPERATURE_SCALE`, or `WHOLE_DEGREE_LIMIT` for limits a server
 * holds in whole degrees). Null stays null; a value that is not an integer
 * where the field is one, or impossible once scaled, is null and counted.
 */
export function scaledTemperature(
  field: ScaledField,
  raw: number | null,
  unit: TempUnit | undefined,
  ctx: Pick<NormalizeContext, 'count' | 'wholeDegreeLimits'>,
  kind: PayloadKind,
): number | null {
  if (raw === null) return null;
  const entry =
    field === 'unitLimit' && ctx.wholeDegreeLimits === true
      ? WHOLE_DEGREE_LIMIT
      : TEMPERATURE_SCALE[field];
  const checked =
    entry.integer && !Number.isInteger(raw) ? null : checkTemperature(raw / entry.divisor, unit);
  if (checked?.ok === true) return checked.value;
  ctx.count?.(`${kind}/bad-scaled-value`);
  return null;
}

function finiteOrNull(raw: number | null | undefined): number | null {
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return null;
  return raw === 0 ? 0 : raw;
}

/** An optional value in `[min, max]`, else null (counted under `kind` when it was a number). */
function inRangeOrNull(
  raw: number | null | undefined,
  min: number,
  max: number,
  kind: PayloadKind,
  ctx: NormalizeContext,
): number | null {
  const value = finiteOrNull(raw);
  if (value === null || (value >= min && value <= max)) return value;
  ctx.count?.(`${kind}/value-out-of-range`);
  return null;
}

/** A time that only informs (never orders): implausible becomes unknown, counted. */
function plausibleOrNull(at: number | null, ctx: NormalizeContext, kind: PayloadKind) {
  if (at === null || timePlausibility(at, ctx) === 'ok') return at;
  ctx.count?.(`${kind}/time-out-of-range`);
  return null;
}

/**
 * Where a server time stands against the plausible window (module comment):
 * `ok`, `future` (more than `LIMITS.futureMs` ahead of both clocks) or `past`
 * (before `LIMITS.earliestTime`).
 */
export function timePlausibility(at: number, ctx: NormalizeContext): 'ok' | 'future' | 'past' {
  if (at < LIMITS.earliestTime) return 'past';
  const now = Math.max(ctx.now, ctx.localNow ?? ctx.now);
  return at > now + LIMITS.futureMs ? 'future' : 'ok';
}

function isRecord(raw: unknown): raw is Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return false;
  const proto: unknown = Object.getPrototypeOf(raw);
  // Only plain objects: Maps, Dates, ArrayBuffers and typed arrays are not payloads.
  return proto === Object.prototype || proto === null;
}

function drop(kind: PayloadKind, reason: DropReason, detail: string): Dropped {
  return { ok: false, kind, reason, detail: cleanText(detail, 200) };
}

/** Runs a normaliser; anything it throws is reported, never rethrown. */
function guarded<T>(kind: PayloadKind, run: () => Normalized<T>): Normalized<T> {
  try {
    return run();
  } catch {
    return drop(kind, 'unreadable', 'normaliser threw');
  }
}

/** A normaliser's frame: never throws, checks the shape, then builds from the wire value. */
function fromShape<K extends SchemaName, T>(
  kind: PayloadKind,
  name: K,
  raw: unknown,
  build: (wire: ParsedWire<K>) => Normalized<T>,
): Normalized<T> {
  return guarded(kind, () => {
    const parsed = shape(kind, name, raw);
    return parsed.ok ? build(parsed.value) : parsed;
  });
}

/** Shape check for one plain-object payload. */
function shape<K extends SchemaName>(
  kind: PayloadKind,
  name: K,
  raw: unknown,
): Normalized<ParsedWire<K>> {
  if (!isRecord(raw)) return drop(kind, 'malformed', `expected an object, got ${describe(raw)}`);
  const parsed = parseWire(name, raw);
  return parsed.ok ? parsed : drop(kind, 'malformed', parsed.issue);
}

function describe(raw: unknown): string {
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return 'array';
  if (raw instanceof ArrayBuffer || ArrayBuffer.isView(raw)) return 'binary';
  return typeof raw;
}

function severityOf(raw: string): Severity {
  const lower = raw.trim().toLowerCase();
  return (SEVERITIES as readonly string[]).includes(lower) ? (lower as Severity) : 'unknown';
}

function alertTypeOf(raw: string): AlertType {
  const lower = raw.trim().toLowerCase();
  return (ALERT_TYPES as readonly string[]).includes(lower) ? (lower as AlertType) : 'other';
}

function unitStateOf(raw: string): UnitState {
  const lower = raw.trim().toLowerCase();
  return (UNIT_STATES as readonly string[]).includes(lower) ? (lower as UnitState) : 'unknown';
}

function thresholdOf(raw: string | null): ThresholdSide | null {
  return raw === 'min' || raw === 'max' ? raw : null;
}

/**
 * Event times that must not drop the event: unparseable becomes `now`, and so
 * does an implausible one (counted under `kind`).
 */
function timeOrNow(raw: unknown, ctx: NormalizeContext, kind: PayloadKind): number {
  const at = parseIsoTime(raw);
  if (at === null) return ctx.now;
  if (timePlausibility(at, ctx) !== 'ok') {
    ctx.count?.(`${kind}/time-out-of-range`);
    return ctx.now;
  }
  return at;
}

// ---------------------------------------------------------------------------
// Readings
// ---------------------------------------------------------------------------

interface ReadingFields {
  id: string;
  unitId: string;
  temperature: unknown;
  humidity: number | null | undefined;
  battery: number | null | undefined;
  signalStrength: number | null | undefined;
  timestamp?: string | undefined;
  recordedAt?: string | undefined;
}

type ReadingCheck =
  { ok: true; value: Reading } | { ok: false; reason: DropReason; detail: string };

function readingFrom(
  fields: ReadingFields,
  ctx: NormalizeContext,
  kind: PayloadKind,
): ReadingCheck {
  if (!isValidId(fields.unitId)) return { ok: false, reason: 'bad-id', detail: 'unitId' };
  if (!isValidId(fields.id)) return { ok: false, reason: 'bad-id', detail: 'id' };
  // PROTOCOL.md: batches carry `timestamp`, `get:latest` and older deployments `recordedAt`.
  const rawTime = fields.timestamp ?? fields.recordedAt;
  const at = parseIsoTime(rawTime);
  if (at === null) return { ok: false, reason: 'bad-time', detail: 'timestamp/recordedAt' };
  const plausible = timePlausibility(at, ctx);
  if (plausible === 'future') return { ok: false, reason: 'future-time', detail: 'timestamp' };
  if (plausible === 'past') return { ok: false, reason: 'past-time', detail: 'timestamp' };
  // Degrees on the wire (TEMPERATURE_SCALE.readingTemperature): a bad one drops the reading.
  const { divisor } = TEMPERATURE_SCALE.readingTemperature;
  const raw = typeof fields.temperature === 'number' ? fields.temperature / divisor : null;
  const temperature = checkTemperature(raw, ctx.unitScale?.(fields.unitId));
  if (!temperature.ok) return { ok: false, reason: temperature.reason, detail: 'temperature' };
  return {
    ok: true,
    value: {
      id: fields.id,
      unitId: fields.unitId,
      temperature: temperature.value,
      humidity: inRangeOrNull(fields.humidity, 0, LIMITS.maxPercent, kind, ctx),
      battery: inRangeOrNull(fields.battery, 0, LIMITS.maxPercent, kind, ctx),
      signalStrength: inRangeOrNull(
        fields.signalStrength,
        LIMITS.minSignal,
        LIMITS.maxSignal,
        kind,
        ctx,
      ),
      at,
    },
  };
}

/** A batch after normalisation: the valid readings plus what was left out. */
export interface NormalizedBatch {
  unitId: string;
  /** Valid readings, in the order sent. */
  readings: Reading[];
  /** Invalid readings dropped from this batch. */
  droppedReadings: number;
  dropReasons: Partial<Record<DropReason, number>>;
  /** `count` was present and disagreed with the readings sent (advisory only). */
  countMismatch: boolean;
}

/** `sensor:readings:batch`. Invalid readings are dropped one by one; the rest are kept. */
export function normalizeReadingsBatch(
  raw: unknown,
  ctx: NormalizeContext,
): Normalized<NormalizedBatch> {
  const kind = 'sensor:readings:batch';
  return guarded(kind, () => {
    // Refuse a huge batch before looking at any item.
    if (
      isRecord(raw) &&
      Array.isArray(raw.readings) &&
      raw.readings.length > LIMITS.batchReadings
    ) {
      return drop(kind, 'too-large', `${raw.readings.length} readings`);
    }
    const parsed = shape(kind, 'readingsBatch', raw);
    if (!parsed.ok) return parsed;
    const { unitId, readings: items, count } = parsed.value;
    if (!isValidId(unitId)) return drop(kind, 'bad-id', 'unitId');
    const readings: Reading[] = [];
    const dropReasons: Partial<Record<DropReason, number>> = {};
    let droppedReadings = 0;
    for (const item of items) {
      const result = batchItem(item, unitId, ctx);
      if (result.ok) {
        readings.push(result.value);
      } else {
        droppedReadings += 1;
        dropReasons[result.reason] = (dropReasons[result.reason] ?? 0) + 1;
      }
    }
    const countMismatch = count !== null && count !== items.length;
    return { ok: true, value: { unitId, readings, droppedReadings, dropReasons, countMismatch } };
  });
}

function batchItem(item: unknown, unitId: string, ctx: NormalizeContext): ReadingCheck {
  if (!isRecord(item)) return { ok: false, reason: 'malformed', detail: describe(item) };
  const parsed = parseWire('batchReading', item);
  if (!parsed.ok) return { ok: false, reason: 'malformed', detail: parsed.issue };
  return readingFrom({ ...parsed.value, unitId }, ctx, 'sensor:readings:batch');
}

/** `sensor:reading`: no id on the wire, so it gets `${unitId}@${at}`. */
export function normalizeSingleReading(raw: unknown, ctx: NormalizeContext): Normalized<Reading> {
  const kind = 'sensor:reading';
  return fromShape(kind, 'singleReading', raw, (wire) => {
    if (!isValidId(wire.unitId)) return drop(kind, 'bad-id', 'unitId');
    const at = parseIsoTime(wire.timestamp);
    // The derived id repeats the time so that the same reading delivered twice dedupes.
    const id = at === null ? '' : `${wire.unitId}@${at}`;
    const result = readingFrom(
      {
        id: id.length <= LIMITS.idLength ? id : id.slice(-LIMITS.idLength),
        unitId: wire.unitId,
        temperature: wire.temperature,
        humidity: wire.humidity,
        battery: null,
        signalStrength: null,
        timestamp: wire.timestamp,
        recordedAt: undefined,
      },
      ctx,
      kind,
    );
    return result.ok ? result : drop(kind, at === null ? 'bad-time' : result.reason, result.detail);
  });
}

/**
 * The `get:latest` ack: a reading or null (no reading yet). When `expectUnitId`
 * is given, an answer about another unit is dropped.
 */
export function normalizeLatestReading(
  raw: unknown,
  ctx: NormalizeContext & { expectUnitId?: string },
): Normalized<Reading | null> {
  const kind = 'get:latest';
  return guarded(kind, () => {
    if (raw === null || raw === undefined) return { ok: true, value: null };
    const parsed = shape(kind, 'latestReading', raw);
    if (!parsed.ok) return parsed;
    const wire = parsed.value;
    if (ctx.expectUnitId !== undefined && wire.unitId !== ctx.expectUnitId) {
      return drop(kind, 'wrong-unit', 'answer is about another unit');
    }
    // get:latest answers `recordedAt`; accept `timestamp` too.
    const result = readingFrom(
      { ...wire, timestamp: wire.timestamp, recordedAt: wire.recordedAt },
      ctx,
      kind,
    );
    return result.ok ? result : drop(kind, result.reason, result.detail);
  });
}

// ---------------------------------------------------------------------------
// Alerts
// ---------------------------------------------------------------------------

interface AlertFields {
  id: string;
  unitId: string;
  alertType: string;
  severity: string;
  message: string;
  triggerTemperature: number | null;
  thresholdViolated: string | null;
  triggeredAt: string;
  acknowledged: boolean;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  escalationLevel: number;
}

function alertFrom(fields: AlertFields, ctx: NormalizeContext, kind: PayloadKind): Alert {
  const level = escalationLevelOf(fields.escalationLevel) ?? 0;
  // PROTOCOL.md: escalation level 1 means the alert is now critical.
  const severity: Severity = level >= 1 ? 'critical' : severityOf(fields.severity);
  const acknowledgedBy =
    fields.acknowledgedBy === null ? '' : cleanText(fields.acknowledgedBy, LIMITS.name);
  const triggerTemperature = scaledTemperature(
    'alertTriggerTemperature',
    fields.triggerTemperature,
    ctx.unitScale?.(fields.unitId),
    ctx,
    kind,
  );
  return {
    id: fields.id,
    unitId: fields.unitId,
    type: alertTypeOf(fields.alertType),
    typeLabel: cleanText(fields.alertType, LIMITS.label),
    severity,
    severityLabel: cleanText(fields.severity, LIMITS.label),
    message: cleanText(fields.message, LIMITS.message),
    triggerTemperature,
    thresholdViolated: thresholdOf(fields.thresholdViolated),
    // A trigger time in the future is a clock problem, not a reason to hide the alert.
    triggeredAt: Math.min(timeOrNow(fields.triggeredAt, ctx, kind), ctx.now),
    status: fields.acknowledged ? 'acknowledged' : 'active',
    acknowledgedAt: fields.acknowledged ? timeOrNow(fields.acknowledgedAt, ctx, kind) : null,
    acknowledgedBy: fields.acknowledged && acknowledgedBy !== '' ? acknowledgedBy : null,
    escalationLevel: level,
  };
}

function escalationLevelOf(raw: number): number | null {
  if (!Number.isInteger(raw) || raw < 0 || raw > LIMITS.maxEscalationLevel) return null;
  return raw;
}

/** `alert:triggered` → a new active alert. */
export function normalizeAlertTriggered(raw: unknown, ctx: NormalizeContext): Normalized<Alert> {
  const kind = 'alert:triggered';
  return fromShape(kind, 'alertTriggered', raw, (wire) => {
    if (!isValidId(wire.alertId)) return drop(kind, 'bad-id', 'alertId');
    if (!isValidId(wire.unitId)) return drop(kind, 'bad-id', 'unitId');
    return {
      ok: true,
      value: alertFrom(
        {
          ...wire,
          id: wire.alertId,
          acknowledged: false,
          acknowledgedAt: null,
          acknowledgedBy: null,
          escalationLevel: 0,
        },
        ctx,
        kind,
      ),
    };
  });
}

export interface AlertAcknowledged {
  alertId: string;
  by: string | null;
  at: number;
}

/** `alert:acknowledged`. */
export function normalizeAlertAcknowledged(
  raw: unknown,
  ctx: NormalizeContext,
): Normalized<AlertAcknowledged> {
  const kind = 'alert:acknowledged';
  return fromShape(kind, 'alertAcknowledged', raw, (wire) => {
    if (!isValidId(wire.alertId)) return drop(kind, 'bad-id', 'alertId');
    const by = cleanText(wire.acknowledgedBy, LIMITS.name);
    return {
      ok: true,
      value: {
        alertId: wire.alertId,
        by: by === '' ? null : by,
        at: timeOrNow(wire.timestamp, ctx, kind),
      },
    };
  });
}

export interface AlertResolved {
  alertId: string;
  unitId: string;
  at: number;
}

/** `alert:resolved`. */
export function normalizeAlertResolved(
  raw: unknown,
  ctx: NormalizeContext,
): Normalized<AlertResolved> {
  const kind = 'alert:resolved';
  return fromShape(kind, 'alertResolved', raw, (wire) => {
    if (!isValidId(wire.alertId)) return drop(kind, 'bad-id', 'alertId');
    if (!isValidId(wire.unitId)) return drop(kind, 'bad-id', 'unitId');
    return {
      ok: true,
      value: {
        alertId: wire.alertId,
        unitId: wire.unitId,
        at: timeOrNow(wire.resolvedAt, ctx, kind),
      },
    };
  });
}

export interface AlertEscalated {
  alertId: string;
  unitId: string;
  level: number;
}

/** `alert:escalated`; the level must be an integer 0..100. */
export function normalizeAlertEscalated(
  raw: unknown,
  _ctx: NormalizeContext,
): Normalized<AlertEscalated> {
  const kind = 'alert:escalated';
  return fromShape(kind, 'alertEscalated', raw, (wire) => {
    if (!isValidId(wire.alertId)) return drop(kind, 'bad-id', 'alertId');
    if (!isValidId(wire.unitId)) return drop(kind, 'bad-id', 'unitId');
    const level = escalationLevelOf(wire.escalationLevel);
    if (level === null) return drop(kind, 'malformed', 'escalationLevel');
    return { ok: true, value: { alertId: wire.alertId, unitId: wire.unitId, level } };
  });
}

// ---------------------------------------------------------------------------
// Units, connection, errors
// ---------------------------------------------------------------------------

export interface UnitStateChange {
  unitId: string;
  state: UnitState;
  previousState: UnitState;
  at: number;
  reason: string;
}

/** `unit:state:changed`; states outside the contract become `unknown`. */
export function normalizeUnitStateChanged(
  raw: unknown,
  ctx: NormalizeContext,
): Normalized<UnitStateChange> {
  const kind = 'unit:state:changed';
  return fromShape(kind, 'unitStateChanged', raw, (wire) => {
    if (!isValidId(wire.unitId)) return drop(kind, 'bad-id', 'unitId');
    // Its time orders it against later changes: an implausible one drops it (issue #11).
    const at = parseIsoTime(wire.timestamp);
    const plausible = at === null ? 'ok' : timePlausibility(at, ctx);
    if (plausible === 'future') return drop(kind, 'future-time', 'timestamp');
    if (plausible === 'past') return drop(kind, 'past-time', 'timestamp');
    return {
      ok: true,
      value: {
        unitId: wire.unitId,
        state: unitStateOf(wire.newState),
        previousState: unitStateOf(wire.previousState),
        at: at ?? ctx.now,
        reason: cleanText(wire.reason, LIMITS.message),
      },
    };
  });
}

export interface ConnectionAck {
  socketId: string;
  /** The server's clock at connect, epoch ms. */
  serverTime: number;
}

/** `connection:ack`. */
export function normalizeConnectionAck(
  raw: unknown,
  _ctx: NormalizeContext,
): Normalized<ConnectionAck> {
  const kind = 'connection:ack';
  return fromShape(kind, 'connectionAck', raw, (wire) => {
    if (!isValidId(wire.socketId)) return drop(kind, 'bad-id', 'socketId');
    const serverTime = parseIsoTime(wire.timestamp);
    if (serverTime === null) return drop(kind, 'bad-time', 'timestamp');
    return { ok: true, value: { socketId: wire.socketId, serverTime } };
  });
}

export interface ServerError {
  message: string;
  code: string | null;
}

/** The socket `error` event. */
export function normalizeServerError(
  raw: unknown,
  _ctx: NormalizeContext,
): Normalized<ServerError> {
  const kind = 'error';
  return fromShape(kind, 'serverError', raw, (wire) => {
    const code = wire.code === null ? '' : cleanText(wire.code, LIMITS.label);
    return {
      ok: true,
      value: {
        message: cleanText(wire.message, LIMITS.message),
        code: code === '' ? null : code,
      },
    };
  });
}

export interface SubscriptionError {
  entity: 'site' | 'unit';
  entityId: string;
  message: string;
}

/** `subscription:error` (a refused room). */
export function normalizeSubscriptionError(
  raw: unknown,
  _ctx: NormalizeContext,
): Normalized<SubscriptionError> {
  const kind = 'subscription:error';
  return fromShape(kind, 'subscriptionError', raw, (wire) => {
    if (!isValidId(wire.entityId)) return drop(kind, 'bad-id', 'entityId');
    return {
      ok: true,
      value: {
        entity: wire.entity,
        entityId: wire.entityId,
        message: cleanText(wire.message, LIMITS.message),
      },
    };
  });
}

// ---------------------------------------------------------------------------
// REST
// ---------------------------------------------------------------------------

/** A REST list after normalisation. */
export interface NormalizedList<T> {
  items: T[];
  /** Invalid items left out (count them under `${kind}/item`). */
  dropped: number;
}

type ItemCheck<T> = { ok: true; value: T } | { ok: false; reason: 'invalid' | 'skip' };

function normalizeList<T extends { id: string }>(
  kind: PayloadKind,
  raw: unknown,
  item: (entry: unknown) => ItemCheck<T>,
): Normalized<NormalizedList<T>> {
  return guarded(kind, () => {
    if (!Array.isArray(raw))
      return drop(kind, 'malformed', `expected an array, got ${describe(raw)}`);
    if (raw.length > LIMITS.listItems) return drop(kind, 'too-large', `${raw.length} items`);
    const items: T[] = [];
    const seen = new Set<string>();
    let dropped = 0;
    for (const entry of raw) {
      const result = item(entry);
      if (!result.ok) {
        if (result.reason === 'invalid') dropped += 1;
        continue;
      }
      if (seen.has(result.value.id)) continue;
      seen.add(result.value.id);
      items.push(result.value);
    }
    return { ok: true, value: { items, dropped } };
  });
}

function parsedItem<K extends SchemaName>(name: K, entry: unknown) {
  return isRecord(entry) ? parseWire(name, entry) : null;
}

/** `GET /api/orgs/:org/sites`. Inactive sites are skipped. */
export function normalizeSites(
  raw: unknown,
  _ctx: NormalizeContext,
): Normalized<NormalizedList<SiteInfo>> {
  return normalizeList<SiteInfo>('rest:sites', raw, (entry) => {
    const parsed = parsedItem('site', entry);
    if (!parsed?.ok || !isValidId(parsed.value.id)) return { ok: false, reason: 'invalid' };
    if (!parsed.value.isActive) return { ok: false, reason: 'skip' };
    const timezone = cleanText(parsed.value.timezone, LIMITS.timezone);
    return {
      ok: true,
      value: {
        id: parsed.value.id,
        name: cleanText(parsed.value.name, LIMITS.name) || parsed.value.id,
        timezone: timezone || 'UTC',
      },
    };
  });
}

/** `GET /api/orgs/:org/sites/:site/areas`. */
export function normalizeAreas(
  raw: unknown,
  _ctx: NormalizeContext,
): Normalized<NormalizedList<AreaInfo>> {
  return normalizeList<AreaInfo>('rest:areas', raw, (entry) => {
    const parsed = parsedItem('area', entry);
    if (!parsed?.ok || !isValidId(parsed.value.id) || !isValidId(parsed.value.siteId)) {
      return { ok: false, reason: 'invalid' };
    }
    return {
      ok: true,
      value: {
        id: parsed.value.id,
        siteId: parsed.value.siteId,
        name: cleanText(parsed.value.name, LIMITS.name) || parsed.value.id,
      },
    };
  });
}

/**
 * `GET …/areas/:area/units`. The site comes from the call (units carry only
 * `areaId`). Inactive units are skipped; a unit without a valid `tempUnit` is
 * invalid, because guessing the scale would misstate every temperature.
 */
export function normalizeUnits(
  raw: unknown,
  ctx: NormalizeContext & { siteId: string },
): Normalized<NormalizedList<UnitInfo>> {
  return normalizeList<UnitInfo>('rest:units', raw, (entry) => {
    const parsed = parsedItem('unit', entry);
    if (!parsed?.ok || !isValidId(parsed.value.id) || !isValidId(parsed.value.areaId)) {
      return { ok: false, reason: 'invalid' };
    }
    const wire = parsed.value;
    if (!wire.isActive) return { ok: false, reason: 'skip' };
    const degrees = (field: ScaledField, value: number | null) =>
      scaledTemperature(field, value, wire.tempUnit, ctx, 'rest:units');
    return {
      ok: true,
      value: {
        id: wire.id,
        name: cleanText(wire.name, LIMITS.name) || wire.id,
        siteId: ctx.siteId,
        areaId: wire.areaId,
        unitType: cleanText(wire.unitType, LIMITS.label),
        tempMin: degrees('unitLimit', wire.tempMin),
        tempMax: degrees('unitLimit', wire.tempMax),
        tempUnit: wire.tempUnit,
        sortOrder: Number.isFinite(wire.sortOrder) ? wire.sortOrder : 0,
        status: cleanText(wire.status, LIMITS.label),
        lastReadingAt: plausibleOrNull(parseIsoTime(wire.lastReadingAt), ctx, 'rest:units'),
        lastTemperature: degrees('unitLastTemperature', wire.lastTemperature),
      },
    };
  });
}

/**
 * `GET /api/orgs/:org/alerts?status=…`: open alerts. Resolved ones (status
 * `resolved` or a `resolvedAt`) are skipped; `escalated` counts as active.
 */
export function normalizeAlerts(
  raw: unknown,
  ctx: NormalizeContext,
): Normalized<NormalizedList<Alert>> {
  return normalizeList<Alert>('rest:alerts', raw, (entry) => {
    const parsed = parsedItem('alert', entry);
    if (!parsed?.ok || !isValidId(parsed.value.id) || !isValidId(parsed.value.unitId)) {
      return { ok: false, reason: 'invalid' };
    }
    const wire = parsed.value;
    if (wire.status === 'resolved' || wire.resolvedAt !== null)
      return { ok: false, reason: 'skip' };
    const acknowledged = wire.status === 'acknowledged' || wire.acknowledgedAt !== null;
    return { ok: true, value: alertFrom({ ...wire, acknowledged }, ctx, 'rest:alerts') };
  });
}

/** What the answer of an acknowledge or a resolve says (the updated alert, issue #10). */
export interface AlertChange {
  alertId: string;
  unitId: string;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  resolvedAt: number | null;
}

/** `POST …/acknowledge` and `…/resolve` answer the updated alert. */
export function normalizeAlertChange(raw: unknown, ctx: NormalizeContext): Normalized<AlertChange> {
  const kind = 'rest:alerts';
  return fromShape(kind, 'alert', raw, (wire) => {
    if (!isValidId(wire.id)) return drop(kind, 'bad-id', 'id');
    if (!isValidId(wire.unitId)) return drop(kind, 'bad-id', 'unitId');
    const resolved = wire.status === 'resolved' || wire.resolvedAt !== null;
    const acknowledged = wire.status === 'acknowledged' || wire.acknowledgedAt !== null;
    const by = wire.acknowledgedBy === null ? '' : cleanText(wire.acknowledgedBy, LIMITS.name);
    return {
      ok: true,
      value: {
        alertId: wire.id,
        unitId: wire.unitId,
        acknowledgedAt: acknowledged ? timeOrNow(wire.acknowledgedAt, ctx, kind) : null,
        acknowledgedBy: acknowledged && by !== '' ? by : null,
        resolvedAt: resolved ? timeOrNow(wire.resolvedAt, ctx, kind) : null,
      },
    };
  });
}

/** `GET /api/auth/me`. Memberships with a bad organization id are left out. */
export function normalizeMe(raw: unknown, _ctx: NormalizeContext): Normalized<Account> {
  const kind = 'rest:me';
  return fromShape(kind, 'me', raw, (wire) => {
    if (!isValidId(wire.userId)) return drop(kind, 'bad-id', 'userId');
    if (!isValidId(wire.primaryOrganizationId))
      return drop(kind, 'bad-id', 'primaryOrganizationId');
    const organizations: Account['organizations'] = [];
    for (const entry of wire.organizations.slice(0, 1000)) {
      const membership = parsedItem('membership', entry);
      if (!membership?.ok || !isValidId(membership.value.organizationId)) continue;
      const name =
        membership.value.name === null ? '' : cleanText(membership.value.name, LIMITS.name);
      organizations.push({
        organizationId: membership.value.organizationId,
        role: cleanText(membership.value.role, LIMITS.label),
        name: name === '' ? null : name,
      });
    }
    return {
      ok: true,
      value: {
        userId: wire.userId,
        email: cleanText(wire.email, LIMITS.email),
        displayName: cleanText(wire.displayName, LIMITS.name),
        primaryOrganizationId: wire.primaryOrganizationId,
        organizations,
      },
    };
  });
}

/** Login / refresh answer. Tokens must be printable ASCII (JWT alphabet and then some). */
export function normalizeTokens(raw: unknown, _ctx: NormalizeContext): Normalized<TokenSet> {
  const kind = 'rest:tokens';
  return fromShape(kind, 'tokens', raw, (wire) => {
    const { accessToken, refreshToken, expiresAt } = wire;
    const tokenOk = (t: string) => t.length > 0 && t.length <= LIMITS.token && TOKEN_CHARS.test(t);
    // Never echo a token into `detail`.
    if (!tokenOk(accessToken)) return drop(kind, 'malformed', 'accessToken');
    if (!tokenOk(refreshToken)) return drop(kind, 'malformed', 'refreshToken');
    const expires = parseIsoTime(expiresAt);
    if (expires === null) return drop(kind, 'bad-time', 'expiresAt');
    return { ok: true, value: { accessToken, refreshToken, expiresAt: expires } };
  });
}

export interface RestError {
  code: string | null;
  message: string;
}

/** REST error bodies: `{ error: { code, message } }` or `{ error: string }`. */
export function normalizeErrorBody(raw: unknown, _ctx: NormalizeContext): Normalized<RestError> {
  const kind = 'rest:error';
  return fromShape(kind, 'errorBody', raw, (wire) => {
    const error = wire.error;
    if (typeof error === 'string')
      return { ok: true, value: { code: null, message: cleanText(error, LIMITS.message) } };
    const code = cleanText(error.code, LIMITS.label);
    return {
      ok: true,
      value: { code: code === '' ? null : code, message: cleanText(error.message, LIMITS.message) },
    };
  });
}
