/**
 * A small seeded PRNG so that a given `--seed` replays the same readings.
 * mulberry32 is enough for a simulator: fast, 32-bit state, good spread; it is
 * not for anything security-related (tokens use `node:crypto`).
 */
export type Random = () => number;

/** Returns a generator of floats in [0, 1) driven by a 32-bit seed. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Derives an independent seed per label (FNV-1a), so each unit has its own
 * stream: a unit's readings do not change when other units are added or when
 * timer ticks land differently.
 */
export function deriveSeed(seed: number, label: string): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < label.length; i++) {
    hash ^= label.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Standard normal sample (Box-Muller). */
export function gaussian(random: Random): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Uniform float in [min, max). */
export function between(random: Random, min: number, max: number): number {
  return min + (max - min) * random();
}
