/**
 * The offscreen document (Chrome, issue #13): opened for an alert sound and
 * closed by the worker shortly after the last one (lib/sound-player.ts);
 * plays what the worker asks, and stops at once when told. It only wires.
 */
import { browser } from 'wxt/browser';
import { isPlaySoundMessage, isStopSoundMessage, playTone } from '@/lib/sound-synth';

let context: AudioContext | null = null;

browser.runtime.onMessage.addListener((message: unknown, sender) => {
  if (sender.id !== browser.runtime.id) return undefined;
  if (isStopSoundMessage(message)) {
    // Closing the context silences what it plays at once.
    const closing = context;
    context = null;
    return (closing?.close() ?? Promise.resolve()).then(
      () => true,
      () => true,
    );
  }
  if (!isPlaySoundMessage(message)) return undefined;
  context ??= new AudioContext();
  playTone(context, message.tone);
  return Promise.resolve(true);
});
