/**
 * The worker's wake-up milestones as User Timing marks (`frostline:<name>`),
 * each set once per worker instance: DevTools' Performance panel shows them,
 * and the bench's wake row reads them to say where a wake-up's time goes
 * (#14). Once only, so a worker that lives for days keeps a bounded
 * timeline; a mark that cannot be set (no User Timing) is skipped.
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
