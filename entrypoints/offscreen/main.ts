/**
 * The offscreen document (Chrome, issue #13): exists only while an alert
 * sound is due, and plays what the worker asks. It only wires.
 */
import { browser } from 'wxt/browser';
import { isPlaySoundMessage, playTone } from '@/lib/sound-synth';

let context: AudioContext | null = null;

browser.runtime.onMessage.addListener((message: unknown, sender) => {
  if (sender.id !== browser.runtime.id || !isPlaySoundMessage(message)) return undefined;
  context ??= new AudioContext();
  playTone(context, message.tone);
  return Promise.resolve(true);
});
