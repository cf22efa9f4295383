/**
 * The sound effect (issue #13): a subscriber of the store that asks
 * `planSounds()` which alerts are due a sound and plays it through the
 * `SoundPlayer` (`lib/sound-player.ts`: Chrome's offscreen document, or
 * Firefox's background page).
 *
 * - What was played is persisted before it plays (`soundPlayedItem`): a
 *   worker restart never plays one alert twice.
 * - A repeat is timed by its own timer (and the 5 s tick, and the watchdog
 *   alarm that wakes a stopped worker).
 * - The player is released (the offscreen document closed, which silences it
 *   at once) as soon as nothing is due: no repeat pending, and no sound
 *   playing for an alert that may still sound. So acknowledging, snoozing,
 *   resolving or signing out stops a sound the moment the store hears of it.
 */
import { planSounds, type PlayedSound, type SoundTone } from '../sound-policy';
import type { SoundPlayer } from '../sound-player';
import { SOUND_DURATION_MS } from '../sound-synth';
import { soundPlayedItem } from '../storage';
import type { Listener, WorkerState } from '../store';

export interface SoundEffectDeps {
  player: SoundPlayer;
  getState(): WorkerState;
  /** Alert id → end of its snooze (the notifications effect owns snoozes). */
  snoozedUntil(): ReadonlyMap<string, number>;
  now(): number;
}

export interface SoundEffect {
  listener: Listener;
  /** Reads what was played before the worker stopped. */
  hydrate(): Promise<void>;
  /** Decides again now (a snooze changes nothing in the store). */
  evaluate(): void;
  /** The options page's "Test sound". */
  test(tone?: SoundTone): Promise<void>;
  dispose(): void;
}

export function createSoundEffect(deps: SoundEffectDeps): SoundEffect {
  let played: ReadonlyMap<string, PlayedSound> = new Map();
  /** The sound playing now: for which alerts, and until when. */
  let playing: { alertIds: readonly string[]; until: number; test?: true } | null = null;
  // True at start: an offscreen document a stopped worker left open is closed
  // at the first decision that nothing is due.
  let holding = true;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;
  let saving: Promise<void> = Promise.resolve();

  function schedule(at: number | null): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (at === null || disposed) return;
    timer = setTimeout(evaluate, Math.max(0, at - deps.now()));
  }

  function release(): void {
    playing = null;
    if (!holding) return;
    holding = false;
    void deps.player.release();
  }

  function evaluate(): void {
    if (disposed) return;
    const worker = deps.getState();
    const now = deps.now();
    if (worker.session === null) {
      // Signed out: no alert sounds, at once; only "Test sound" may finish.
      if (playing?.test === true && now < playing.until) {
        schedule(playing.until);
        return;
      }
      schedule(null);
      release();
      return;
    }
    const plan = planSounds({
      state: worker.live,
      prefs: worker.preferences,
      scope: worker.scope,
      played,
      snoozedUntil: deps.snoozedUntil(),
      now,
    });
    if (plan.played !== played) {
      played = plan.played;
      const record = Object.fromEntries(played);
      saving = soundPlayedItem.setValue(record).catch(() => undefined);
    }
    if (plan.play !== null) {
      playing = { alertIds: plan.playFor, until: now + SOUND_DURATION_MS };
      holding = true;
      const tone = plan.play;
      // Written first: a worker stopped mid-sound must not play it again (#13).
      void saving.then(() => {
        if (holding && !disposed) return deps.player.play(tone);
      });
    } else if (playing !== null) {
      const stillAudible =
        playing.test === true || playing.alertIds.some((id) => plan.audible.has(id));
      if (!stillAudible || now >= playing.until) playing = null;
    }
    if (playing === null && plan.nextAt === null) release();
    const wake = [plan.nextAt, playing?.until ?? null].filter((t): t is number => t !== null);
    schedule(wake.length > 0 ? Math.min(...wake) : null);
  }

  const listener: Listener = (next, prev, event) => {
    if (
      event.type === 'tick' ||
      next.live.alerts !== prev.live.alerts ||
      next.session !== prev.session ||
      next.preferences !== prev.preferences ||
      next.scope !== prev.scope ||
      next.live.directory !== prev.live.directory
    ) {
      evaluate();
    }
  };

  return {
    listener,
    async hydrate() {
      played = new Map(Object.entries(await soundPlayedItem.getValue()));
    },
    evaluate,
    async test(tone = 'critical') {
      const now = deps.now();
      playing = { alertIds: [], until: now + SOUND_DURATION_MS, test: true };
      holding = true;
      schedule(playing.until);
      await deps.player.play(tone);
    },
    dispose() {
      disposed = true;
      schedule(null);
    },
  };
}
