/**
 * One clock for every timestamp the bench compares: `performance.timeOrigin +
 * performance.now()`, in Node and in every browser context (worker, popup,
 * baseline page). Same machine, so the values share an epoch; the residual
 * offset between two contexts is measured by `estimateOffset` rather than
 * assumed to be zero.
 */

/** Epoch milliseconds with sub-millisecond resolution. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

export interface ClockOffset {
  /** Remote clock minus Node clock, ms (subtract from remote stamps). */
  offsetMs: number;
  /** Half the best round trip: the offset is known to within this. */
  uncertaintyMs: number;
}

/**
 * NTP-style: read the remote clock between two local reads; the sample with
 * the shortest round trip bounds the offset best.
 */
export async function estimateOffset(
  readRemote: () => Promise<number>,
  samples = 15,
): Promise<ClockOffset> {
  let best: ClockOffset = { offsetMs: 0, uncertaintyMs: Number.POSITIVE_INFINITY };
  for (let i = 0; i < samples; i += 1) {
    const before = now();
    const remote = await readRemote();
    const after = now();
    const half = (after - before) / 2;
    if (half < best.uncertaintyMs)
      best = { offsetMs: remote - (before + half), uncertaintyMs: half };
  }
  return best;
}
