/**
 * When coalesced work is carried out (#14): the ingest's readings events and
 * the port hub's patches. Idle, at once (right after the current event);
 * right after a flush, a short gap so a burst of messages is gathered; under
 * a sustained stream, at most `perWindow` flushes per `windowMs`, so the
 * cost per flush (a copy of the units map, a patch posted) stays bounded.
 *
 * A fixed window for everything (one flush per 16 ms) delayed a lone
 * reading by 8-12 ms whenever the simulator's traffic had flushed shortly
 * before, which at 1,000 readings/s was nearly always.
 */
export interface PacerOptions {
  /** Wait at least this long after a flush before the next one. */
  minGapMs: number;
  /** Under a stream: at most `perWindow` flushes in any `windowMs`. */
  windowMs: number;
  perWindow: number;
}

export interface Pacer {
  /** How long from `now` the next flush should wait; 0 means right away. */
  delay(now: number): number;
  /** Records a flush at `now`. */
  flushed(now: number): void;
}

export function createPacer(options: PacerOptions): Pacer {
  const { minGapMs, windowMs, perWindow } = options;
  /** The last `perWindow` flush times, oldest first. */
  const times: number[] = [];
  return {
    delay(now) {
      const last = times[times.length - 1];
      if (last === undefined) return 0;
      const oldest = times[0] as number;
      if (times.length >= perWindow && now - oldest < windowMs) {
        return Math.max(0, oldest + windowMs - now, last + minGapMs - now);
      }
      return Math.max(0, last + minGapMs - now);
    },
    flushed(now) {
      times.push(now);
      if (times.length > perWindow) times.shift();
    },
  };
}
