/**
 * Diagnostics: units whose readings and limits disagree by about ten times
 * (issue #10), named with what to try. The rule is `lib/scale-check.ts`,
 * shared with the diagnostics text. Each unit's item follows its own latest
 * reading (the directory's last one until a live one arrives).
 */
import { memo } from 'react';
import type { UnitInfo } from '../../lib/model';
import { scaleMismatch, scaleWarningText } from '../../lib/scale-check';
import { useDirectory, useUnitStatus } from '../live-data';

const ScaleWarning = memo(function ScaleWarning({
  info,
  wholeDegreeLimits,
}: {
  info: UnitInfo;
  wholeDegreeLimits: boolean;
}) {
  const status = useUnitStatus(info.id);
  const temperature = status?.lastTemperature ?? info.lastTemperature;
  const mismatch = scaleMismatch(info, temperature);
  if (mismatch === null || temperature === null || info.tempMin === null || info.tempMax === null)
    return null;
  return (
    <li>
      {scaleWarningText({
        unitName: info.name,
        temperature,
        tempMin: info.tempMin,
        tempMax: info.tempMax,
        tempUnit: info.tempUnit,
        mismatch,
        wholeDegreeLimits,
      })}
    </li>
  );
});

export function ScaleWarnings() {
  const directory = useDirectory();
  const whole = directory?.wholeDegreeLimits === true;
  return (
    <>
      <h3>Temperature scales</h3>
      <p className="hint">
        A unit whose readings are about ten times off its limits is named here: its limits may be
        stored in another scale than this server&apos;s setting says.
      </p>
      <ul aria-label="Scale warnings" role="list">
        {(directory?.units ?? []).map((info) => (
          <ScaleWarning key={info.id} info={info} wholeDegreeLimits={whole} />
        ))}
      </ul>
    </>
  );
}
