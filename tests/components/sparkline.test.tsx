import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Sparkline } from '../../components/Sparkline';
import { formatTemperature } from '../../lib/format';
import { reading } from './fixtures';

const format = (v: number) => formatTemperature(v, 'C');

describe('Sparkline', () => {
  it('draws one point per reading, shades the allowed range, and summarises min and max', () => {
    const readings = [reading('u', 3, 1_000), reading('u', 4.5, 2_000), reading('u', 6.1, 3_000)];
    const { container } = render(
      <Sparkline
        readings={readings}
        tempMin={2}
        tempMax={5}
        format={format}
        width={100}
        height={20}
      />,
    );
    const img = screen.getByRole('img', { name: /3 readings, min 3\.0\s°C, max 6\.1\s°C/ });
    const points = container.querySelector('polyline')!.getAttribute('points')!.split(' ');
    expect(points).toHaveLength(3);
    const ys = points.map((p) => Number(p.split(',')[1]));
    // Higher temperature is drawn higher (smaller y).
    expect(ys[0]).toBeGreaterThan(ys[1]!);
    expect(ys[1]).toBeGreaterThan(ys[2]!);
    const xs = points.map((p) => Number(p.split(',')[0]));
    expect(xs[0]).toBeLessThan(xs[2]!);
    const band = img.querySelector('rect.sparkline-band')!;
    const top = Number(band.getAttribute('y'));
    const bottom = top + Number(band.getAttribute('height'));
    // 6.1 (above the max) lies above the band; 3.0 lies inside it.
    expect(ys[2]).toBeLessThan(top);
    expect(ys[0]).toBeGreaterThan(top);
    expect(ys[0]).toBeLessThan(bottom);
  });

  it('handles an empty history', () => {
    const { container } = render(
      <Sparkline readings={[]} tempMin={2} tempMax={5} format={format} />,
    );
    expect(
      screen.getByRole('img', { name: 'Temperature trend: no readings yet' }),
    ).toBeInTheDocument();
    expect(container.querySelector('polyline')).toBeNull();
    expect(container.querySelector('circle')).toBeNull();
    expect(container.querySelector('rect.sparkline-band')).not.toBeNull();
  });

  it('draws a single reading as a dot', () => {
    const { container } = render(
      <Sparkline
        readings={[reading('u', 4, 1_000)]}
        tempMin={null}
        tempMax={null}
        format={format}
      />,
    );
    expect(screen.getByRole('img', { name: /1 reading, 4\.0\s°C/ })).toBeInTheDocument();
    expect(container.querySelector('polyline')).toBeNull();
    expect(container.querySelectorAll('circle')).toHaveLength(1);
    expect(container.querySelector('rect.sparkline-band')).toBeNull();
  });

  it('shades from a one-sided limit to the edge', () => {
    const { container } = render(
      <Sparkline
        readings={[reading('u', -20, 1), reading('u', -18, 2)]}
        tempMin={null}
        tempMax={-15}
        format={format}
        height={30}
      />,
    );
    const band = container.querySelector('rect.sparkline-band')!;
    const top = Number(band.getAttribute('y'));
    expect(top).toBeGreaterThan(0);
    expect(top + Number(band.getAttribute('height'))).toBeCloseTo(30);
  });
});
