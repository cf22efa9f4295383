/**
 * Pure display helpers shared by the badge, notifications, popup and options
 * page. Temperatures are stored in the unit's own scale and converted here,
 * only for display.
 */
import type { TempUnit, WireAlertType, WireSeverity } from './protocol';
import type { Alert, Preferences, Severity } from './model';

/** Converts a temperature between scales. */
export function convertTemperature(value: number, from: TempUnit, to: TempUnit): number {
  if (from === to) return value;
  return to === 'F' ? (value * 9) / 5 + 32 : ((value - 32) * 5) / 9;
}

/** The scale a unit's temperatures are shown in, given the user's choice. */
export function displayScale(unitScale: TempUnit, preference: Preferences['tempScale']): TempUnit {
  return preference === 'unit' ? unitScale : preference;
}

/** `3.4 °C`: one decimal, a real minus sign, no `-0.0`. */
export function formatTemperature(value: number, scale: TempUnit): string {
  const rounded = Math.round(value * 10) / 10;
  const text = Math.abs(rounded).toFixed(1);
  const sign = rounded < 0 ? '\u2212' : '';
  return `${sign}${text}\u00a0°${scale}`;
}

/** A unit temperature converted into the display scale and formatted. */
export function showTemperature(
  value: number,
  unitScale: TempUnit,
  preference: Preferences['tempScale'],
): string {
  const scale = displayScale(unitScale, preference);
  return formatTemperature(convertTemperature(value, unitScale, scale), scale);
}

/** `2.0 to 5.0 °C`, `above 2.0 °C`, `below 5.0 °C`, or `no range`. */
export function showRange(
  min: number | null,
  max: number | null,
  unitScale: TempUnit,
  preference: Preferences['tempScale'],
): string {
  const scale = displayScale(unitScale, preference);
  const show = (v: number) => formatTemperature(convertTemperature(v, unitScale, scale), scale);
  if (min !== null && max !== null)
    return `${show(min).replace(/\u00a0°[CF]$/, '')} to ${show(max)}`;
  if (min !== null) return `above ${show(min)}`;
  if (max !== null) return `below ${show(max)}`;
  return 'no range';
}

/** `just now`, `45 s ago`, `2 min ago`, `3 h ago`, `4 d ago`. */
export function formatAge(ms: number): string {
  if (!Number.isFinite(ms) || ms < 5_000) return 'just now';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} d ago`;
}

/** Local wall-clock time, `12:01`. */
export function formatClock(epochMs: number): string {
  const d = new Date(epochMs);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** What "acknowledged by" says for someone the server names only by an id (issue #10). */
export const OTHER_ACKNOWLEDGER = 'another supervisor';

/**
 * Who acknowledged an alert, readable (issue #10): "you" for the signed-in
 * supervisor's own acknowledge, a name when the server sends one, else
 * "another supervisor". Never a raw id: the contract's `acknowledgedBy` is a
 * profile UUID, which means nothing to a person.
 */
export function acknowledgedByLabel(
  alert: Pick<Alert, 'acknowledgedBy' | 'acknowledgedByYou'>,
): string {
  if (alert.acknowledgedByYou === true) return 'you';
  const by = alert.acknowledgedBy?.trim() ?? '';
  // Letters, spaces and name punctuation only: an id has digits (UUIDs, `user-42`).
  return /^\p{L}[\p{L}\p{M} .'’-]*$/u.test(by) ? by : OTHER_ACKNOWLEDGER;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Worst first: critical, then unknown (a newer server's level), warning, info. */
export const SEVERITY_RANK: Record<Severity, number> = {
  critical: 4,
  unknown: 3,
  warning: 2,
  info: 1,
};

/** Human names for the protocol's severities (a record: a new one must be named). */
export const SEVERITY_LABELS: Record<WireSeverity, string> = {
  critical: 'Critical',
  warning: 'Warning',
  info: 'Info',
};

export function severityLabel(severity: Severity, raw: string): string {
  if (severity === 'unknown') return raw ? raw.slice(0, 40) : 'Unknown';
  return SEVERITY_LABELS[severity];
}

/**
 * Human names for the protocol's alert types, keyed by `ALERT_TYPES` (issue
 * #9): a type added to the protocol fails to compile here until it is named.
 * Unknown types show the server's label.
 */
export const ALERT_TYPE_LABELS: Record<WireAlertType, string> = {
  alarm_active: 'Temperature alarm',
  monitoring_interrupted: 'Monitoring interrupted',
  missed_manual_entry: 'Missed manual entry',
  low_battery: 'Low battery',
  sensor_fault: 'Sensor fault',
  door_open: 'Door open',
  calibration_due: 'Calibration due',
};

export function alertTypeLabel(type: string, raw: string): string {
  return (
    (Object.hasOwn(ALERT_TYPE_LABELS, type)
      ? ALERT_TYPE_LABELS[type as WireAlertType]
      : undefined) ?? (raw ? raw.slice(0, 60) : 'Alert')
  );
}

/** What a dashboard link template can refer to; missing parts become empty. */
export interface DashboardUrlParts {
  server: string;
  org?: string;
  site?: string;
  unit?: string;
  alert?: string;
}

/**
 * Fills `{server}`, `{org}`, `{site}`, `{unit}` and `{alert}` in the user's
 * template. `{server}` is inserted as is (without a trailing slash); the ids
 * are URL-encoded. Returns null unless the result is an http(s) URL, so a
 * template can never open another scheme.
 */
export function buildDashboardUrl(template: string, parts: DashboardUrlParts): string | null {
  if (!template.trim()) return null;
  const values: Record<string, string> = {
    server: parts.server.replace(/\/+$/, ''),
    org: encodeURIComponent(parts.org ?? ''),
    site: encodeURIComponent(parts.site ?? ''),
    unit: encodeURIComponent(parts.unit ?? ''),
    alert: encodeURIComponent(parts.alert ?? ''),
  };
  const filled = template
    .trim()
    .replace(/\{(server|org|site|unit|alert)\}/g, (_, name: string) => values[name] ?? '');
  try {
    const url = new URL(filled);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

/** `12 ms`, or `—` when unknown. */
export function formatRtt(rtt: number | null): string {
  return rtt === null ? '—' : `${Math.round(rtt)} ms`;
}

/** Humidity `45 %` and battery `80 %` as whole percentages. */
export function formatPercent(value: number): string {
  return `${Math.round(value)}\u00a0%`;
}

/** A span of time for "out of range for …" (issue #13): `under 1 min`, `12 min`, `2 h 5 min`. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return 'under 1 min';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}
