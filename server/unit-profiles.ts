import type { WireUnitType } from '../lib/protocol';

/**
 * Per-type behaviour of the simulated equipment, in Celsius. Ranges follow
 * common food-safety practice; the rates are tuned so that a default demo
 * (3 sites x 8 units) shows a few events a minute.
 */
export interface UnitProfile {
  label: string;
  minC: number;
  maxC: number;
  setpointC: number;
  /** How fast the door heats the cabinet, degrees per second while open. */
  doorRiseCPerSecond: number;
  /** Defrost heater rise, degrees per second (0 = no defrost cycles). */
  defrostRiseCPerSecond: number;
  hasHumidity: boolean;
  /** Wired probes report no battery. */
  hasBattery: boolean;
}

export const UNIT_PROFILES: Record<WireUnitType, UnitProfile> = {
  fridge: {
    label: 'Fridge',
    minC: 2,
    maxC: 5,
    setpointC: 3.5,
    doorRiseCPerSecond: 0.08,
    defrostRiseCPerSecond: 0,
    hasHumidity: true,
    hasBattery: true,
  },
  freezer: {
    label: 'Freezer',
    minC: -22,
    maxC: -15,
    setpointC: -18.5,
    doorRiseCPerSecond: 0.15,
    defrostRiseCPerSecond: 0.25,
    hasHumidity: true,
    hasBattery: true,
  },
  walk_in: {
    label: 'Walk-in Cooler',
    minC: 1,
    maxC: 4,
    setpointC: 2.5,
    doorRiseCPerSecond: 0.05,
    defrostRiseCPerSecond: 0,
    hasHumidity: true,
    hasBattery: false,
  },
  display_case: {
    label: 'Display Case',
    minC: 1,
    maxC: 6,
    setpointC: 3.5,
    doorRiseCPerSecond: 0.1,
    defrostRiseCPerSecond: 0,
    hasHumidity: true,
    hasBattery: true,
  },
  blast_chiller: {
    label: 'Blast Chiller',
    minC: -30,
    maxC: -18,
    setpointC: -24,
    doorRiseCPerSecond: 0.3,
    defrostRiseCPerSecond: 0.3,
    hasHumidity: false,
    hasBattery: true,
  },
};
