/**
 * The geometry and accessible summary of a sparkline, React-free (#14): the
 * live `Sparkline` component and the popup's first view (`popup/first-view.ts`)
 * draw the same shape from it.
 */
import type { Reading } from '../lib/model';

const PAD = 2;

export const SPARKLINE_WIDTH = 96;
export const SPARKLINE_HEIGHT = 24;

export function describeTrend(
  readings: readonly Pick<Reading, 'temperature'>[],
  format: (v: number) => string,
): string {
  if (readings.length === 0) return 'Temperature trend: no readings yet';
  let lo = Infinity;
  let hi = -Infinity;
  for (const r of readings) {
    if (r.temperature < lo) lo = r.temperature;
    if (r.temperature > hi) hi = r.temperature;
  }
  if (readings.length === 1) return `Temperature trend: 1 reading, ${format(lo)}`;
  return `Temperature trend: ${readings.length} readings, min ${format(lo)}, max ${format(hi)}`;
}

export interface SparklineShape {
  /** The allowed range, shaded; null when the unit has no limits. */
  band: { y: number; height: number } | null;
  /** The polyline's points; null with fewer than two readings. */
  points: string | null;
  /** The newest reading's dot; null without readings. */
  dot: { cx: number; cy: number; r: number } | null;
}

export function sparklineShape(
  readings: readonly Pick<Reading, 'temperature' | 'at'>[],
  tempMin: number | null,
  tempMax: number | null,
  width = SPARKLINE_WIDTH,
  height = SPARKLINE_HEIGHT,
): SparklineShape {
  const values = readings.map((r) => r.temperature);
  const domain = [
    ...values,
    ...(tempMin !== null ? [tempMin] : []),
    ...(tempMax !== null ? [tempMax] : []),
  ];
  let lo = domain.length ? Math.min(...domain) : 0;
  let hi = domain.length ? Math.max(...domain) : 1;
  if (hi - lo < 1e-9) {
    lo -= 1;
    hi += 1;
  }
  const margin = (hi - lo) * 0.1;
  lo -= margin;
  hi += margin;
  const y = (v: number) => PAD + ((hi - v) / (hi - lo)) * (height - 2 * PAD);
  const first = readings[0]?.at ?? 0;
  const last = readings[readings.length - 1]?.at ?? 0;
  const byTime = last > first;
  const x = (r: Pick<Reading, 'at'>, i: number) => {
    const t = byTime
      ? (r.at - first) / (last - first)
      : readings.length > 1
        ? i / (readings.length - 1)
        : 0.5;
    return PAD + t * (width - 2 * PAD);
  };
  const hasBand = tempMin !== null || tempMax !== null;
  const bandTop = tempMax !== null ? y(tempMax) : 0;
  const bandBottom = tempMin !== null ? y(tempMin) : height;
  const lastReading = readings[readings.length - 1];
  return {
    band: hasBand ? { y: bandTop, height: Math.max(0, bandBottom - bandTop) } : null,
    points:
      readings.length > 1
        ? readings.map((r, i) => `${x(r, i).toFixed(1)},${y(r.temperature).toFixed(1)}`).join(' ')
        : null,
    dot: lastReading
      ? {
          cx: x(lastReading, readings.length - 1),
          cy: y(lastReading.temperature),
          r: readings.length === 1 ? 2.5 : 1.8,
        }
      : null,
  };
}
