/**
 * What a unit row shows, decided in one place (#14): the live React row
 * (`UnitRow.tsx`) and the popup's first view, painted before React loads
 * (`first-view.ts`), both render this, so the two cannot say different
 * things about a unit. Pure and React-free.
 */
import { formatAge, formatPercent, showRange, showTemperature } from '../../lib/format';
import type { Preferences, UnitInfo } from '../../lib/model';
import type { UnitExcursions } from '../../lib/state/excursions';
import { excursionLine, excursionText } from '../excursion-text';
import {
  CONDITION_META,
  NO_READING,
  type ConditionMeta,
  type UnitCondition,
} from '../unit-condition';

/** The part of a reading a row shows. */
export interface RowReading {
  temperature: number;
  humidity: number | null;
  battery: number | null;
  /** Sensor time (server clock). */
  at: number;
}

export interface RowModel {
  meta: ConditionMeta;
  /** The row's accessible name (`rowLabel`). */
  label: string;
  temperature: string;
  range: string;
  humidity: string | null;
  battery: string | null;
  age: string | null;
  /** The time out of range, now and over 24 h (issue #13), or null. */
  outOfRange: string | null;
}

/** The row's accessible name: unit, temperature (or "last known") and the worker's condition. */
export function rowLabel(
  name: string,
  temperature: string,
  lastKnown: boolean,
  condition: UnitCondition,
): string {
  const shown = temperature === NO_READING ? temperature.toLowerCase() : temperature;
  return `${name}, ${lastKnown ? 'last known ' : ''}${shown}, ${CONDITION_META[condition].label}`;
}

/**
 * The row of one unit. `latest` is its newest reading (null or undefined
 * when it has none); `now` is server-clock now; `live` false makes the
 * temperature "last known".
 */
export function unitRowModel(
  info: Pick<UnitInfo, 'name' | 'tempMin' | 'tempMax' | 'tempUnit'>,
  latest: RowReading | null | undefined,
  condition: UnitCondition,
  excursion: UnitExcursions | undefined,
  now: number,
  live: boolean,
  tempScale: Preferences['tempScale'],
): RowModel {
  const temperature =
    latest != null ? showTemperature(latest.temperature, info.tempUnit, tempScale) : NO_READING;
  return {
    meta: CONDITION_META[condition],
    label: rowLabel(info.name, temperature, !(live || latest == null), condition),
    temperature,
    range: showRange(info.tempMin, info.tempMax, info.tempUnit, tempScale),
    humidity: latest?.humidity != null ? `RH ${formatPercent(latest.humidity)}` : null,
    battery: latest?.battery != null ? `Battery ${formatPercent(latest.battery)}` : null,
    age: latest != null ? formatAge(now - latest.at) : null,
    outOfRange: excursionLine(excursionText(excursion, now)),
  };
}
