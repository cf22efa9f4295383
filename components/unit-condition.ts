/**
 * How the pages show a unit's condition: words, glyph and tone. Display only:
 * the condition itself is decided once, in the worker (`lib/state/unit-view.ts`,
 * issue #9), and arrives with the snapshot and patches.
 */
import type { Severity } from '../lib/model';
import { CONDITION_GROUP, CONDITION_RANK, type UnitCondition } from '../lib/state/page-rules';

export type { UnitCondition };

export interface ConditionMeta {
  /** Shown beside the icon and read in the row's accessible name. */
  label: string;
  /**
   * A glyph, so status never relies on colour alone. Only glyphs that common
   * text fonts carry (DejaVu, Segoe UI Symbol, Apple Symbols): emoji such as
   * U+26D4 rendered as an empty box on Linux without an emoji font.
   */
  icon: string;
  /** The worker's rank (worst highest), for "is anything wrong". */
  rank: number;
  tone: 'critical' | 'warning' | 'muted' | 'ok';
}

export const CONDITION_META: Record<UnitCondition, ConditionMeta> = {
  alarm: { label: 'alarm', icon: '✖', rank: CONDITION_RANK.alarm, tone: 'critical' },
  high: { label: 'out of range high', icon: '▲', rank: CONDITION_RANK.high, tone: 'warning' },
  low: { label: 'out of range low', icon: '▼', rank: CONDITION_RANK.low, tone: 'warning' },
  warning: { label: 'warning', icon: '⚠', rank: CONDITION_RANK.warning, tone: 'warning' },
  offline: { label: 'offline', icon: '⊘', rank: CONDITION_RANK.offline, tone: 'muted' },
  stale: { label: 'stale', icon: '◷', rank: CONDITION_RANK.stale, tone: 'muted' },
  'no-data': { label: 'no data', icon: '–', rank: CONDITION_RANK['no-data'], tone: 'muted' },
  ok: { label: 'normal', icon: '✓', rank: CONDITION_RANK.ok, tone: 'ok' },
};

/**
 * What a unit that has never reported shows instead of a temperature (issue
 * #10: a unit with no reading is still listed, and says so).
 */
export const NO_READING = 'No reading yet';

/** Out of range or in alarm: what "Alerts only" keeps beside units with an alert. */
export function isProblem(condition: UnitCondition): boolean {
  return CONDITION_GROUP[condition] === 'outOfRange';
}

/** Not reporting fresh data: what "Stale only" keeps. */
export function isStaleLike(condition: UnitCondition): boolean {
  const group = CONDITION_GROUP[condition];
  return group === 'stale' || group === 'noData' || group === 'offline';
}

export const SEVERITY_ICON: Record<Severity, string> = {
  critical: '✖',
  unknown: '?',
  warning: '⚠',
  info: 'ℹ',
};
