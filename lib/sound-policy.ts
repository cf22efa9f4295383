/**
 * Which alerts are due a sound (issue #13): a pure function of the state, the
 * preferences and what was already played (persisted by the caller,
 * `soundPlayedItem`), like `lib/notification-policy.ts`.
 *
 * Rules:
 * - Per severity (`prefs.sound`, `unknown` follows `warning`): `off`; `once`
 *   when the alert is first heard of; `repeat` every `SOUND_REPEAT_MS` until
 *   acknowledged, for at most `SOUND_REPEAT_LIMIT_MS` from the first sound
 *   (a sound that loops after the alert is handled is the complaint every
 *   notifier tracker has).
 * - Only active (unacknowledged), unsnoozed alerts sound, and only when they
 *   may alert at all: scope, muted sites and quiet hours apply exactly as to
 *   notifications, critical breaking through quiet hours (`mayAlert`, shared).
 *   An alert that cannot sound yet is not marked: it sounds when it can.
 * - `played` maps an alert id to when it first and last sounded; once there,
 *   a `once` alert never sounds again, also after a worker restart, and a
 *   `repeat` keeps its schedule and its cap.
 * - Several alerts due at once make one sound, of the worst severity.
 */
import { SEVERITY_RANK } from './format';
import type { Alert, PreferenceSeverity, Preferences, Scope } from './model';
import { mayAlert, preferenceSeverity } from './notification-policy';
import type { State } from './state/state';

/** A repeating sound plays again this often (issue #13: 30 s). */
export const SOUND_REPEAT_MS = 30_000;
/** …for at most this long after the first (issue #13: 10 minutes). */
export const SOUND_REPEAT_LIMIT_MS = 10 * 60_000;
/** Most alerts remembered as played; the oldest closed ones are forgotten first. */
export const SOUND_MEMORY_LIMIT = 500;

/** The synthesised sounds, by severity (`lib/sound-synth.ts`). */
export type SoundTone = PreferenceSeverity;

export interface PlayedSound {
  /** When it first sounded (local clock). */
  first: number;
  last: number;
}

export interface SoundInput {
  state: State;
  prefs: Preferences;
  scope: Scope;
  played: ReadonlyMap<string, PlayedSound>;
  /** Alert id → end of its snooze, epoch ms. */
  snoozedUntil: ReadonlyMap<string, number>;
  /** Local clock. */
  now: number;
}

export interface SoundPlan {
  /** The sound to play now (the worst severity due), or null. */
  play: SoundTone | null;
  /** The alerts it plays for. */
  playFor: string[];
  /** The very map passed in when nothing changed (the caller skips persisting). */
  played: ReadonlyMap<string, PlayedSound>;
  /** When a repeat is next due, or null when no repeat is pending. */
  nextAt: number | null;
  /** Alerts that may sound right now (what a sound already playing may go on for). */
  audible: ReadonlySet<string>;
}

function modeOf(alert: Alert, prefs: Preferences) {
  return prefs.sound[preferenceSeverity(alert.severity)];
}

/** What to play now and when to look again. */
export function planSounds(input: SoundInput): SoundPlan {
  const { state, prefs, scope, now } = input;
  const played = new Map(input.played);
  const audible = new Set<string>();
  const playFor: string[] = [];
  let changed = false;
  let worst: Alert | null = null;
  let nextAt: number | null = null;

  for (const alert of state.alerts.values()) {
    if (alert.status !== 'active') continue;
    const mode = modeOf(alert, prefs);
    if (mode === 'off') continue;
    if ((input.snoozedUntil.get(alert.id) ?? 0) > now) continue;
    if (!mayAlert(alert, state, prefs, scope, now)) continue;
    audible.add(alert.id);
    const record = played.get(alert.id);
    let sounds = false;
    if (record === undefined) {
      played.set(alert.id, { first: now, last: now });
      sounds = true;
    } else if (
      mode === 'repeat' &&
      now - record.last >= SOUND_REPEAT_MS &&
      now - record.first < SOUND_REPEAT_LIMIT_MS
    ) {
      played.set(alert.id, { first: record.first, last: now });
      sounds = true;
    }
    if (sounds) {
      changed = true;
      playFor.push(alert.id);
      if (worst === null || SEVERITY_RANK[alert.severity] > SEVERITY_RANK[worst.severity]) {
        worst = alert;
      }
    }
    if (mode === 'repeat') {
      const current = played.get(alert.id) as PlayedSound;
      const next = current.last + SOUND_REPEAT_MS;
      if (next - current.first < SOUND_REPEAT_LIMIT_MS && (nextAt === null || next < nextAt)) {
        nextAt = next;
      }
    }
  }

  // Bounded, never by forgetting an open alert (it would sound again).
  if (played.size > SOUND_MEMORY_LIMIT) {
    const closed = [...played]
      .filter(([id]) => !state.alerts.has(id))
      .sort((a, b) => a[1].last - b[1].last);
    for (const [id] of closed.slice(0, played.size - SOUND_MEMORY_LIMIT)) {
      played.delete(id);
      changed = true;
    }
  }

  return {
    play: worst === null ? null : preferenceSeverity(worst.severity),
    playFor,
    played: changed ? played : input.played,
    nextAt,
    audible,
  };
}
