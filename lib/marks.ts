/**
 * The worker's wake-up milestones as User Timing marks (`frostline:<name>`),
 * each set once per worker instance: DevTools' Performance panel shows them,
 * and the bench's wake row reads them to say where a wake-up's time goes
 * (#14). Once only, so a worker that lives for days keeps a bounded
 * timeline; a mark that cannot be set (no User Timing) is skipped.
 *
 * The badge texts the browser confirmed are marked too (`frostline:badge`,
 * the text in `detail`), the first `BADGE_MARKS` of a worker instance: when
 * a woken worker's badge was right, without reading it back through a page
 * whose thread is busy with the wake-up.
 */
export type WakeMark =
  | 'script'
  | 'session-read'
  | 'socket-start'
  | 'socket-connected'
  | 'snapshot-restored'
  | 'alerts-requested'
  | 'alerts-applied'
  | 'directory-applied'
  | 'latest-done';

const set = new Set<WakeMark>();

export function markOnce(name: WakeMark): void {
  if (set.has(name)) return;
  set.add(name);
  try {
    performance.mark(`frostline:${name}`);
  } catch {
    // No User Timing here: the milestone is only for profiling.
  }
}

/** Badge writes marked per worker instance (a wake-up takes about ten). */
export const BADGE_MARKS = 30;
let badgeMarks = 0;

/** Marks a badge text the browser has confirmed (`frostline:badge`, detail: the text). */
export function markBadge(text: string): void {
  if (badgeMarks >= BADGE_MARKS) return;
  badgeMarks += 1;
  try {
    performance.mark('frostline:badge', { detail: text });
  } catch {
    // No User Timing here: the mark is only for profiling.
  }
}
