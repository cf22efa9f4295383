/**
 * A small inline SVG trend of a unit's readings, with the allowed range
 * shaded. Values stay in the unit's scale (the shape does not depend on the
 * scale); `format` turns them into display text for the accessible summary.
 */
import { memo } from 'react';
import type { Reading } from '../lib/model';
import {
  describeTrend,
  SPARKLINE_HEIGHT,
  SPARKLINE_WIDTH,
  sparklineShape,
} from './sparkline-shape';

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

export { describeTrend };

export const Sparkline = memo(function Sparkline({
  readings,
  tempMin,
  tempMax,
  format,
  width = SPARKLINE_WIDTH,
  height = SPARKLINE_HEIGHT,
  className,
}: SparklineProps) {
  const label = describeTrend(readings, format);
  const { band, points, dot } = sparklineShape(readings, tempMin, tempMax, width, height);
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
      {band && (
        <rect className="sparkline-band" x={0} y={band.y} width={width} height={band.height} />
      )}
      {points !== null && <polyline className="sparkline-line" points={points} fill="none" />}
      {dot && <circle className="sparkline-dot" cx={dot.cx} cy={dot.cy} r={dot.r} />}
    </svg>
  );
});
