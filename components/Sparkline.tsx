/**
 * A small inline SVG trend of a unit's readings, with the allowed range
 * shaded. Values stay in the unit's scale (the shape does not depend on the
 * scale); `format` turns them into display text for the accessible summary.
 */
import { memo } from 'react';
import type { Reading } from '../lib/model';

export interface SparklineProps {
  /** Oldest first. */
  readings: readonly Reading[];
  tempMin: number | null;
  tempMax: number | null;
  format: (value: number) => string;
  width?: number;
  height?: number;
  className?: string;
}

const PAD = 2;

export function describeTrend(readings: readonly Reading[], format: (v: number) => string): string {
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

export const Sparkline = memo(function Sparkline({
  readings,
  tempMin,
  tempMax,
  format,
  width = 96,
  height = 24,
  className,
}: SparklineProps) {
  const label = describeTrend(readings, format);
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
  const x = (r: Reading, i: number) => {
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
  const points = readings
    .map((r, i) => `${x(r, i).toFixed(1)},${y(r.temperature).toFixed(1)}`)
    .join(' ');
  const lastReading = readings[readings.length - 1];

  return (
    <svg
      role="img"
      aria-label={label}
      className={className ? `sparkline ${className}` : 'sparkline'}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      focusable="false"
    >
      {hasBand && (
        <rect
          className="sparkline-band"
          x={0}
          y={bandTop}
          width={width}
          height={Math.max(0, bandBottom - bandTop)}
        />
      )}
      {readings.length > 1 && <polyline className="sparkline-line" points={points} fill="none" />}
      {lastReading && (
        <circle
          className="sparkline-dot"
          cx={x(lastReading, readings.length - 1)}
          cy={y(lastReading.temperature)}
          r={readings.length === 1 ? 2.5 : 1.8}
        />
      )}
    </svg>
  );
});
