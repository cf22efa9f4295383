import type { TempUnit } from '../lib/protocol';

/** The simulator thinks in Celsius; units on Fahrenheit sites report in Fahrenheit. */
export function fromCelsius(celsius: number, unit: TempUnit): number {
  return unit === 'F' ? celsius * 1.8 + 32 : celsius;
}

/** Rounds to one decimal, the resolution real probes report. */
export function roundTenth(value: number): number {
  return Math.round(value * 10) / 10;
}
