/**
 * The scale check (issue #10): a unit whose readings and limits disagree by
 * about a factor of ten. The contract stores limits in tenths of a degree,
 * but the backend's web UI writes some in whole degrees (PROTOCOL.md, the
 * scale table), so a deployment may hold either; read the wrong way, a
 * fridge's 2..8 °C shows as 0.2..0.8 °C (or 20..80 °C), and every reading
 * looks like an excursion. This names the unit so that an administrator can
 * set "Limits on this server are whole degrees" (`lib/storage.ts`
 * `wholeDegreeLimitsItem`) or turn it off. Pure; used by the options page's
 * Diagnostics and by the diagnostics text, so both say the same.
 */
import type { TempUnit } from './protocol';

/** Which way the limits look off: ten times too small or ten times too large. */
export type ScaleMismatch = 'limits-too-small' | 'limits-too-large';

export interface ScaleLimits {
  tempMin: number | null;
  tempMax: number | null;
}

/** A range widened by a tenth of its width, so a reading on a limit counts as inside. */
function inside(value: number, min: number, max: number): boolean {
  const margin = (max - min) / 10;
  return value >= min - margin && value <= max + margin;
}

/**
 * Whether `temperature` and the unit's limits disagree by about ten times: the
 * reading is outside the range, but ten times (or a tenth of) the reading is
 * inside it. Null when they agree, or when a limit or the reading is missing.
 * A unit far out of range can match too (a fridge at 25 °C against 2..8 °C);
 * the warning says "look", and only the administrator knows.
 */
export function scaleMismatch(
  limits: ScaleLimits,
  temperature: number | null,
): ScaleMismatch | null {
  const { tempMin: min, tempMax: max } = limits;
  if (min === null || max === null || temperature === null || !(max > min)) return null;
  if (inside(temperature, min, max)) return null;
  if (inside(temperature / 10, min, max)) return 'limits-too-small';
  if (inside(temperature * 10, min, max)) return 'limits-too-large';
  return null;
}

/** The label of the per-server setting, as the options page shows it. */
export const WHOLE_DEGREES_LABEL = 'Limits on this server are whole degrees';

/** What the warning says about one unit: names it, and what to try. */
export function scaleWarningText(input: {
  unitName: string;
  temperature: number;
  tempMin: number;
  tempMax: number;
  tempUnit: TempUnit;
  mismatch: ScaleMismatch;
  /** Whether the limits were read as whole degrees. */
  wholeDegreeLimits: boolean;
}): string {
  const unit = `°${input.tempUnit}`;
  const facts = `${input.unitName}: readings near ${input.temperature} ${unit}, limits ${input.tempMin} to ${input.tempMax} ${unit}`;
  const how = input.mismatch === 'limits-too-small' ? 'ten times too small' : 'ten times too large';
  const advice =
    input.mismatch === 'limits-too-small' && !input.wholeDegreeLimits
      ? `If this server keeps its limits in whole degrees, turn on "${WHOLE_DEGREES_LABEL}".`
      : input.mismatch === 'limits-too-large' && input.wholeDegreeLimits
        ? `The limits may be in tenths after all: turn off "${WHOLE_DEGREES_LABEL}".`
        : 'Check the limits of this unit on the server.';
  return `${facts}: the limits look about ${how}. ${advice}`;
}
