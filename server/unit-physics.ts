import { between, gaussian, type Random } from './prng';
import type { UnitProfile } from './unit-profiles';

/** A transient event in the life of a cabinet. */
type Episode =
  | { kind: 'door'; secondsLeft: number }
  | { kind: 'defrost'; secondsLeft: number }
  | { kind: 'compressor_failure'; secondsLeft: number; driftCPerSecond: number }
  | { kind: 'silent'; secondsLeft: number };

export interface PhysicsState {
  tempC: number;
  /** Where the cabinet is heading; a failed compressor lets it drift up. */
  targetC: number;
  humidity: number;
  battery: number;
  signalStrength: number;
  episode: Episode | null;
}

/** One sample; null fields are sensors the unit does not have. */
export interface PhysicsSample {
  tempC: number;
  humidity: number | null;
  battery: number | null;
  signalStrength: number;
}

// Per-second chances of each episode. At the defaults a 24-unit demo sees a door
// opening every ~25 s, a defrost every few minutes and a failure every ~5 minutes.
const DOOR_PER_SECOND = 1 / 600;
const DEFROST_PER_SECOND = 1 / 1800;
const FAILURE_PER_SECOND = 1 / 7200;
const SILENT_PER_SECOND = 1 / 5400;
// Thermal time constant of a cabinet pulling back to its target.
const RECOVERY_SECONDS = 25;
const BATTERY_DRAIN_PER_SECOND = 0.002;

export function createPhysics(profile: UnitProfile, random: Random): PhysicsState {
  return {
    tempC: profile.setpointC + gaussian(random) * 0.3,
    targetC: profile.setpointC,
    humidity: between(random, 45, 80),
    // Spread so that some sensors are already near the low-battery line.
    battery: between(random, 18, 100),
    signalStrength: Math.round(between(random, -90, -50)),
    episode: null,
  };
}

/**
 * Advances a unit by `dt` seconds and returns its sample, or null while the
 * sensor is silent. All randomness comes from the unit's own stream, so a
 * seed replays the same sequence whatever the timer does.
 */
export function stepPhysics(
  state: PhysicsState,
  profile: UnitProfile,
  random: Random,
  dt: number,
): PhysicsSample | null {
  maybeStartEpisode(state, profile, random, dt);
  const episode = state.episode;
  let heatingC = 0;
  if (episode) {
    episode.secondsLeft -= dt;
    if (episode.kind === 'door') heatingC = profile.doorRiseCPerSecond * dt;
    if (episode.kind === 'defrost') heatingC = profile.defrostRiseCPerSecond * dt;
    if (episode.kind === 'compressor_failure') state.targetC += episode.driftCPerSecond * dt;
    if (episode.secondsLeft <= 0) {
      // Repair: the compressor pulls back to its setpoint.
      if (episode.kind === 'compressor_failure') state.targetC = profile.setpointC;
      state.episode = null;
    }
  }
  const pull = 1 - Math.exp(-dt / RECOVERY_SECONDS);
  state.tempC +=
    (state.targetC - state.tempC) * pull + heatingC + gaussian(random) * 0.05 * Math.sqrt(dt);
  state.humidity = clamp(state.humidity + gaussian(random) * 0.3 * Math.sqrt(dt), 20, 95);
  state.signalStrength = clamp(state.signalStrength + gaussian(random) * 0.5, -100, -40);
  state.battery -= BATTERY_DRAIN_PER_SECOND * dt * between(random, 0.5, 1.5);
  // Someone swaps the battery once it is nearly flat.
  if (state.battery < 3) state.battery = 100;

  if (episode?.kind === 'silent' && state.episode) return null;
  return {
    tempC: state.tempC + gaussian(random) * 0.05,
    humidity: profile.hasHumidity ? state.humidity : null,
    battery: profile.hasBattery ? state.battery : null,
    signalStrength: state.signalStrength,
  };
}

/** Forces a silent sensor (control API): no readings for `seconds`. */
export function silence(state: PhysicsState, seconds: number): void {
  state.episode = { kind: 'silent', secondsLeft: seconds };
}

function maybeStartEpisode(
  state: PhysicsState,
  profile: UnitProfile,
  random: Random,
  dt: number,
): void {
  if (state.episode) return;
  const roll = random();
  let threshold = DOOR_PER_SECOND * dt;
  if (roll < threshold) {
    state.episode = { kind: 'door', secondsLeft: between(random, 8, 45) };
    return;
  }
  if (profile.defrostRiseCPerSecond > 0) {
    threshold += DEFROST_PER_SECOND * dt;
    if (roll < threshold) {
      state.episode = { kind: 'defrost', secondsLeft: between(random, 15, 40) };
      return;
    }
  }
  threshold += FAILURE_PER_SECOND * dt;
  if (roll < threshold) {
    state.episode = {
      kind: 'compressor_failure',
      secondsLeft: between(random, 120, 480),
      driftCPerSecond: between(random, 0.03, 0.08),
    };
    return;
  }
  threshold += SILENT_PER_SECOND * dt;
  if (roll < threshold) state.episode = { kind: 'silent', secondsLeft: between(random, 70, 180) };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
