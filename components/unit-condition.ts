/**
 * What a unit's row says about it, from its live status and its range. Pure;
 * shared by rows, the list order and the summary line so they always agree.
 */
import type { Severity } from '../lib/model';
import type { UnitStatusData } from './query-keys';

export type UnitCondition =
  'alarm' | 'high' | 'low' | 'warning' | 'offline' | 'stale' | 'no-data' | 'ok';

export interface ConditionMeta {
  /** Shown beside the icon and read in the row's accessible name. */
  label: string;
  /**
   * A glyph, so status never relies on colour alone. Only glyphs that common
   * text fonts carry (DejaVu, Segoe UI Symbol, Apple Symbols): emoji such as
   * U+26D4 rendered as an empty box on Linux without an emoji font.
   */
  icon: string;
  /** Sort rank, worst highest: alarm, out of range, warning, offline/stale, ok. */
  rank: number;
  tone: 'critical' | 'warning' | 'muted' | 'ok';
}

export const CONDITION_META: Record<UnitCondition, ConditionMeta> = {
  alarm: { label: 'alarm', icon: '✖', rank: 6, tone: 'critical' },
  high: { label: 'out of range high', icon: '▲', rank: 5, tone: 'warning' },
  low: { label: 'out of range low', icon: '▼', rank: 5, tone: 'warning' },
  warning: { label: 'warning', icon: '⚠', rank: 4, tone: 'warning' },
  offline: { label: 'offline', icon: '⊘', rank: 3, tone: 'muted' },
  stale: { label: 'stale', icon: '◷', rank: 2, tone: 'muted' },
  'no-data': { label: 'no data', icon: '–', rank: 2, tone: 'muted' },
  ok: { label: 'normal', icon: '✓', rank: 0, tone: 'ok' },
};

export interface RangeLike {
  tempMin: number | null;
  tempMax: number | null;
}

/**
 * A unit in alarm or offline says so first; a reading older than `staleMs`
 * says "stale" rather than claiming the old temperature is current; only a
 * fresh reading is judged against the range.
 */
export function classifyUnit(
  range: RangeLike | undefined,
  status: UnitStatusData | undefined,
  staleMs: number,
  now: number,
): UnitCondition {
  if (!status) return 'no-data';
  if (status.state === 'critical') return 'alarm';
  if (status.state === 'offline') return 'offline';
  if (status.lastTemperature === null || status.lastReadingAt === null) return 'no-data';
  if (now - status.lastReadingAt > staleMs) return 'stale';
  if (range?.tempMax != null && status.lastTemperature > range.tempMax) return 'high';
  if (range?.tempMin != null && status.lastTemperature < range.tempMin) return 'low';
  if (status.state === 'warning') return 'warning';
  return 'ok';
}

export function isProblem(condition: UnitCondition): boolean {
  return (
    condition === 'alarm' || condition === 'high' || condition === 'low' || condition === 'warning'
  );
}

export function isStaleLike(condition: UnitCondition): boolean {
  return condition === 'stale' || condition === 'no-data' || condition === 'offline';
}

export const SEVERITY_ICON: Record<Severity, string> = {
  critical: '✖',
  unknown: '?',
  warning: '⚠',
  info: 'ℹ',
};
