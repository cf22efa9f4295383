/**
 * The badge effect: renders `badgeFor()` of the store's state through the one
 * writer of `browser.action` (`lib/badge.ts`). Readings alone move only "last
 * update" in the tooltip, so they re-render it at most once a second; a
 * dropped connection is checked again when the grace period ends.
 */
import { deliveryNotices } from '../delivery';
import { markBadge } from '../marks';
import { badgeFor, createBadgeRenderer, DEFAULT_BADGE_GRACE_MS, type BadgeSurface } from '../badge';
import type { UnitView } from '../state';
import type { Listener, WorkerState } from '../store';

export interface BadgeEffectDeps {
  action: BadgeSurface;
  getState(): WorkerState;
  view(worker: WorkerState): UnitView;
  now(): number;
}

export interface BadgeEffect {
  listener: Listener;
  render(): void;
  /** Resolves once the browser has answered every badge write started so far. */
  idle(): Promise<void>;
  dispose(): void;
}

export function createBadgeEffect(deps: BadgeEffectDeps): BadgeEffect {
  // A confirmed text is a mark for the bench's wake row (lib/marks.ts).
  const badge = createBadgeRenderer(deps.action, (field, value) => {
    if (field === 'text') markBadge(value);
  });
  let graceTimer: ReturnType<typeof setTimeout> | null = null;
  let lastBadgeAt = 0;
  let disposed = false;
  /**
   * Nothing is rendered from the store before the stored settings are in
   * (#14): until then the state says "no session", and an early event (the
   * notification permission read beside the start) drew the signed-out "!"
   * on a woken, signed-in worker. `render()` itself is never held back.
   */
  let hydrated = false;

  function render(): void {
    if (disposed) return;
    lastBadgeAt = deps.now();
    const worker = deps.getState();
    void badge.render(
      badgeFor({
        state: worker.live,
        scope: worker.scope,
        staleMs: worker.preferences.staleMinutes * 60_000,
        graceMs: DEFAULT_BADGE_GRACE_MS,
        now: deps.now(),
        view: deps.view(worker),
        delivery: deliveryNotices(worker.delivery, worker.live, deps.now()),
        restoring: worker.restoring,
      }),
    );
  }

  const listener: Listener = (next, prev, event) => {
    if (event.type === 'settings/hydrated') hydrated = true;
    if (hydrated && (event.type !== 'readings' || deps.now() - lastBadgeAt > 1_000)) render();
    const status = next.live.connection.status;
    if (status !== prev.live.connection.status && status !== 'live') {
      // The badge turns "off" only after the grace period: check again then.
      if (graceTimer !== null) clearTimeout(graceTimer);
      graceTimer = setTimeout(render, DEFAULT_BADGE_GRACE_MS + 50);
    }
  };

  return {
    listener,
    render,
    idle: () => badge.idle(),
    dispose() {
      disposed = true;
      if (graceTimer !== null) clearTimeout(graceTimer);
      graceTimer = null;
    },
  };
}
