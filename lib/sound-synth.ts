/**
 * The alert sounds, synthesised with Web Audio (issue #13: never fetched, no
 * remote resource). Played by the offscreen document in Chrome and by the
 * background page itself in Firefox; nothing here runs at import.
 */
import type { SoundTone } from './sound-policy';

/** Every tone is over within this long (the player may close after it). */
export const SOUND_DURATION_MS = 1_500;

/** Beeps per tone: frequency (Hz), start and length (s). Critical is the most insistent. */
const TONES: Record<SoundTone, readonly { hz: number; at: number; length: number }[]> = {
  critical: [
    { hz: 988, at: 0, length: 0.18 },
    { hz: 740, at: 0.22, length: 0.18 },
    { hz: 988, at: 0.44, length: 0.18 },
    { hz: 740, at: 0.66, length: 0.18 },
    { hz: 988, at: 0.88, length: 0.3 },
  ],
  warning: [
    { hz: 660, at: 0, length: 0.22 },
    { hz: 660, at: 0.32, length: 0.22 },
  ],
  info: [{ hz: 523, at: 0, length: 0.25 }],
};

/** The part of `AudioContext` the synthesiser uses. */
export type ToneContext = Pick<
  AudioContext,
  'currentTime' | 'destination' | 'createOscillator' | 'createGain'
>;

/** Schedules a tone on `context`, starting now. */
export function playTone(context: ToneContext, tone: SoundTone): void {
  const start = context.currentTime + 0.02;
  for (const beep of TONES[tone]) {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = 'square';
    oscillator.frequency.value = beep.hz;
    const from = start + beep.at;
    const to = from + beep.length;
    // A short ramp in and out: no click at either end.
    gain.gain.setValueAtTime(0, from);
    gain.gain.linearRampToValueAtTime(0.25, from + 0.01);
    gain.gain.setValueAtTime(0.25, to - 0.02);
    gain.gain.linearRampToValueAtTime(0, to);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(from);
    oscillator.stop(to);
  }
}

/** The message the worker sends the offscreen document (issue #13). */
export interface PlaySoundMessage {
  target: 'frostline:offscreen';
  type: 'play-sound';
  tone: SoundTone;
}

/** Silences the offscreen document at once; it stays open for the next sound. */
export interface StopSoundMessage {
  target: 'frostline:offscreen';
  type: 'stop-sound';
}

export function isStopSoundMessage(message: unknown): message is StopSoundMessage {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Partial<StopSoundMessage>;
  return m.target === 'frostline:offscreen' && m.type === 'stop-sound';
}

export function isPlaySoundMessage(message: unknown): message is PlaySoundMessage {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Partial<PlaySoundMessage>;
  return (
    m.target === 'frostline:offscreen' &&
    m.type === 'play-sound' &&
    (m.tone === 'critical' || m.tone === 'warning' || m.tone === 'info')
  );
}
