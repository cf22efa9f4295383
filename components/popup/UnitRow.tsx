/**
 * One unit: temperature in the preferred scale, range, condition (icon and
 * text), humidity and battery, age and a sparkline. Memoised: the list holds
 * the one subscription to the live keys and hands each row its own unit's
 * entries, which keep their references until that unit changes, so a
 * reading for one unit re-renders one row (#14: a row owned two query
 * observers, which mounting 50 rows per search keystroke paid for).
 */
import { memo, Profiler, useCallback, useContext } from 'react';
import { showTemperature } from '../../lib/format';
import type { Preferences, Reading, UnitInfo } from '../../lib/model';
import type { UnitExcursions } from '../../lib/state/excursions';
import type { UnitData } from '../query-keys';
import { Sparkline } from '../Sparkline';
import type { UnitCondition } from '../unit-condition';
import { unitRowModel } from './row-model';
import { RowProfilerContext } from './row-profiler';

export interface UnitRowProps {
  info: UnitInfo;
  /** The unit's latest reading and status (`queryKeys.units()`), undefined before any. */
  data: UnitData | undefined;
  /** The unit's readings, oldest first (`queryKeys.readings()`); keep it one reference while unchanged. */
  history: readonly Reading[];
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

export { rowLabel } from './row-model';

function UnitRowView({
  info,
  data,
  history,
  tempScale,
  condition,
  excursion,
  now,
  live,
  onOpen,
}: UnitRowProps) {
  const format = useCallback(
    (v: number) => showTemperature(v, info.tempUnit, tempScale),
    [info.tempUnit, tempScale],
  );
  const m = unitRowModel(info, data?.latest, condition, excursion, now, live, tempScale);
  return (
    <li className={`unit-row tone-${m.meta.tone}`} aria-label={m.label} data-condition={condition}>
      <button type="button" className="unit-name" onClick={() => onOpen(info.id)}>
        {info.name}
      </button>
      <span className="unit-temp">{m.temperature}</span>
      <span className={`unit-condition tone-${m.meta.tone}`}>
        <span aria-hidden="true">{m.meta.icon}</span> {m.meta.label}
      </span>
      <Sparkline readings={history} tempMin={info.tempMin} tempMax={info.tempMax} format={format} />
      <span className="unit-meta">
        <span className="unit-range">{m.range}</span>
        {m.humidity !== null && <span>{m.humidity}</span>}
        {m.battery !== null && <span>{m.battery}</span>}
        {m.age !== null && (
          <span className={condition === 'stale' ? 'unit-age stale' : 'unit-age'}>{m.age}</span>
        )}
        {m.outOfRange !== null && <span className="unit-excursion">{m.outOfRange}</span>}
      </span>
    </li>
  );
}
