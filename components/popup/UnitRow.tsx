/**
 * One unit: temperature in the preferred scale, range, condition (icon and
 * text), humidity and battery, age and a sparkline. Memoised and subscribed
 * to its own unit's keys only, so a reading for one unit re-renders one row.
 */
import { memo, Profiler, useCallback, useContext } from 'react';
import { formatAge, formatPercent, showRange, showTemperature } from '../../lib/format';
import type { Preferences, UnitInfo } from '../../lib/model';
import type { UnitExcursions } from '../../lib/state/excursions';
import { excursionLine, excursionText } from '../excursion-text';
import { useSensorReadings, useUnitData } from '../live-data';
import { Sparkline } from '../Sparkline';
import { CONDITION_META, NO_READING, type UnitCondition } from '../unit-condition';
import { RowProfilerContext } from './row-profiler';

export interface UnitRowProps {
  info: UnitInfo;
  tempScale: Preferences['tempScale'];
  /** The worker's word on the unit (issue #9): the row shows it, it does not decide it. */
  condition: UnitCondition;
  /** The worker's excursion intervals (issue #13): time out of range, now and over 24 h. */
  excursion?: UnitExcursions;
  /** Server-clock now, for the age and the time out of range. */
  now: number;
  /** False when the popup is not live: values are "last known". */
  live: boolean;
  onOpen(unitId: string): void;
}

/**
 * The memo boundary. When a row profiler is provided, it sits inside the
 * boundary, so it reports exactly the renders this row really does.
 */
export const UnitRow = memo(function UnitRow(props: UnitRowProps) {
  const onRender = useContext(RowProfilerContext);
  if (!onRender) return <UnitRowView {...props} />;
  return (
    <Profiler id={props.info.id} onRender={onRender}>
      <UnitRowView {...props} />
    </Profiler>
  );
});

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

function UnitRowView({ info, tempScale, condition, excursion, now, live, onOpen }: UnitRowProps) {
  const data = useUnitData(info.id);
  const status = data?.status;
  const latest = data?.latest;
  const history = useSensorReadings(info.id);
  const meta = CONDITION_META[condition];
  const format = useCallback(
    (v: number) => showTemperature(v, info.tempUnit, tempScale),
    [info.tempUnit, tempScale],
  );
  const temperature = status?.lastTemperature != null ? format(status.lastTemperature) : NO_READING;
  const age = status?.lastReadingAt != null ? formatAge(now - status.lastReadingAt) : null;
  const outOfRange = excursionLine(excursionText(excursion, now));
  const label = rowLabel(
    info.name,
    temperature,
    !(live || status?.lastTemperature == null),
    condition,
  );
  return (
    <li className={`unit-row tone-${meta.tone}`} aria-label={label} data-condition={condition}>
      <button type="button" className="unit-name" onClick={() => onOpen(info.id)}>
        {info.name}
      </button>
      <span className="unit-temp">{temperature}</span>
      <span className={`unit-condition tone-${meta.tone}`}>
        <span aria-hidden="true">{meta.icon}</span> {meta.label}
      </span>
      <Sparkline
        readings={history ?? []}
        tempMin={info.tempMin}
        tempMax={info.tempMax}
        format={format}
      />
      <span className="unit-meta">
        <span className="unit-range">
          {showRange(info.tempMin, info.tempMax, info.tempUnit, tempScale)}
        </span>
        {latest?.humidity != null && <span>RH {formatPercent(latest.humidity)}</span>}
        {latest?.battery != null && <span>Battery {formatPercent(latest.battery)}</span>}
        {age && (
          <span className={condition === 'stale' ? 'unit-age stale' : 'unit-age'}>{age}</span>
        )}
        {outOfRange && <span className="unit-excursion">{outOfRange}</span>}
      </span>
    </li>
  );
}
