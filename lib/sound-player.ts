/**
 * Where alert sounds are played (issue #13). The one module that touches
 * `chrome.offscreen`: a Chrome MV3 service worker has no audio, so the sound
 * plays in an offscreen document (reason `AUDIO_PLAYBACK`), created on
 * demand, silenced at once when nothing is due, and closed
 * `OFFSCREEN_IDLE_CLOSE_MS` after the last sound. Closing it at once after
 * every sound made a burst of alerts open and close one document per alert,
 * each a page load beside the worker (#14: alert → notification p50 17.9 ms
 * against 4.2 ms with the sound off).
 * Firefox's background is a page (MV2, docs/firefox.md): it plays the sound
 * itself. Both are `SoundPlayer`s; the sound effect decides when.
 */
import type { WxtBrowser } from 'wxt/browser';
import {
  playTone,
  SOUND_DURATION_MS,
  type PlaySoundMessage,
  type StopSoundMessage,
  type ToneContext,
} from './sound-synth';
import type { SoundTone } from './sound-policy';

export interface SoundPlayer {
  /** Plays a tone (opening what it needs). Never throws. */
  play(tone: SoundTone): Promise<void>;
  /** Stops any sound at once, and frees what `play` opened (soon, if not at once). Never throws. */
  release(): Promise<void>;
}

/** How long the offscreen document stays open, silent, after the last sound. */
export const OFFSCREEN_IDLE_CLOSE_MS = 15_000;

/** The offscreen document's path (the WXT unlisted page `entrypoints/offscreen/`). */
export const OFFSCREEN_PATH = '/offscreen.html';

/** The part of `chrome.offscreen` the player uses. */
export interface OffscreenSurface {
  createDocument(parameters: {
    url: string;
    reasons: string[];
    justification: string;
  }): Promise<void>;
  closeDocument(): Promise<void>;
}

export interface OffscreenPlayerDeps {
  offscreen: OffscreenSurface;
  getURL(path: string): string;
  sendMessage(message: PlaySoundMessage | StopSoundMessage): Promise<unknown>;
}

/** Chrome: plays through an offscreen document, one operation at a time. */
export function createOffscreenPlayer(deps: OffscreenPlayerDeps): SoundPlayer {
  // A document left by a worker that stopped may exist: unknown until closed once.
  let open: boolean | null = null;
  let queue: Promise<void> = Promise.resolve();
  const serial = (op: () => Promise<void>) => {
    queue = queue.then(op, op).catch(() => undefined);
    return queue;
  };
  let idleTimer: ReturnType<typeof setTimeout> | null = null;
  const cancelIdleClose = () => {
    if (idleTimer !== null) clearTimeout(idleTimer);
    idleTimer = null;
  };

  async function close(): Promise<void> {
    cancelIdleClose();
    if (open === false) return;
    open = false;
    // Closing the document stops its audio at once.
    await deps.offscreen.closeDocument().catch(() => undefined);
  }

  async function ensureOpen(): Promise<void> {
    if (open === true) return;
    try {
      await deps.offscreen.createDocument({
        url: deps.getURL(OFFSCREEN_PATH),
        reasons: ['AUDIO_PLAYBACK'],
        justification: 'Plays the alert sound the supervisor chose (Frostline issue #13).',
      });
    } catch (error) {
      // "Only a single offscreen document may be created": one is open already.
      if (!(error instanceof Error) || !/single offscreen/i.test(error.message)) throw error;
    }
    open = true;
  }

  async function send(tone: SoundTone): Promise<void> {
    const message: PlaySoundMessage = { target: 'frostline:offscreen', type: 'play-sound', tone };
    try {
      await deps.sendMessage(message);
    } catch {
      // The document's listener may not be registered yet: once more, shortly.
      await new Promise((resolve) => setTimeout(resolve, 100));
      await deps.sendMessage(message);
    }
  }

  return {
    play: (tone) =>
      serial(async () => {
        cancelIdleClose();
        await ensureOpen();
        try {
          await send(tone);
        } catch {
          // Chrome closes an AUDIO_PLAYBACK document after 30 s without audio,
          // and a repeat comes every 30 s: open it again and play.
          open = false;
          await ensureOpen();
          await send(tone);
        }
      }),
    release: () =>
      serial(async () => {
        // A document a stopped worker left (open unknown) is closed at once.
        if (open !== true) return close();
        try {
          await deps.sendMessage({ target: 'frostline:offscreen', type: 'stop-sound' });
        } catch {
          // Not listening (Chrome closed it, or it is still loading): close it, which silences it.
          return close();
        }
        if (idleTimer === null)
          idleTimer = setTimeout(() => void serial(close), OFFSCREEN_IDLE_CLOSE_MS);
      }),
  };
}

/**
 * Firefox: the background page plays the tone itself (its autoplay policy
 * lets extension background pages play: `media.autoplay.allow-extension-
 * background-pages`, on by default). `createContext` is
 * `() => new AudioContext()` there; null where there is no audio at all.
 */
export function createPagePlayer(createContext: () => AudioContextLike | null): SoundPlayer {
  let context: AudioContextLike | null = null;
  return {
    async play(tone) {
      try {
        context ??= createContext();
        if (context === null) return;
        if (context.state === 'suspended') await context.resume();
        playTone(context, tone);
      } catch {
        // No audio device, or blocked: the notification and badge still show.
      }
    },
    async release() {
      const closing = context;
      context = null;
      // Closing the context stops what it is playing at once.
      await closing?.close().catch(() => undefined);
    },
  };
}

export type AudioContextLike = ToneContext & Pick<AudioContext, 'state' | 'resume' | 'close'>;

export { SOUND_DURATION_MS };

/**
 * The player this browser has (issue #13): Chrome MV3 has `offscreen` and no
 * audio in the worker; Firefox's background page has `AudioContext` and no
 * `offscreen`.
 */
export function soundPlayerFor(browser: WxtBrowser): SoundPlayer {
  const offscreen = (browser as unknown as { offscreen?: OffscreenSurface }).offscreen;
  if (offscreen !== undefined) {
    return createOffscreenPlayer({
      offscreen,
      getURL: (path) => browser.runtime.getURL(path as typeof OFFSCREEN_PATH),
      sendMessage: (message) => browser.runtime.sendMessage(message),
    });
  }
  return createPagePlayer(() => (typeof AudioContext === 'function' ? new AudioContext() : null));
}
