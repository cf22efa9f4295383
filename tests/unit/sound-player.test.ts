/**
 * The offscreen player (issue #13): the one owner of `chrome.offscreen`
 * creates the document on demand with reason AUDIO_PLAYBACK, sends it the
 * tone, silences it at once on release and closes it once no sound came for
 * OFFSCREEN_IDLE_CLOSE_MS (#14: not one document per alert in a burst); a
 * document Chrome closed is opened again.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createOffscreenPlayer,
  createPagePlayer,
  OFFSCREEN_IDLE_CLOSE_MS,
  OFFSCREEN_PATH,
} from '../../lib/sound-player';
import type { PlaySoundMessage, StopSoundMessage } from '../../lib/sound-synth';

function fakeOffscreen() {
  let open = false;
  const calls: string[] = [];
  const offscreen = {
    createDocument: vi.fn(async (p: { url: string; reasons: string[] }) => {
      if (open) throw new Error('Only a single offscreen document may be created.');
      open = true;
      calls.push(`create:${p.url}:${p.reasons.join()}`);
    }),
    closeDocument: vi.fn(async () => {
      if (!open) throw new Error('No current offscreen document.');
      open = false;
      calls.push('close');
    }),
  };
  const sendMessage = vi.fn(async (message: PlaySoundMessage | StopSoundMessage) => {
    if (!open) throw new Error('Receiving end does not exist.');
    calls.push(message.type === 'play-sound' ? `play:${message.tone}` : 'stop');
    return true;
  });
  return {
    offscreen,
    sendMessage,
    calls,
    isOpen: () => open,
    closeByChrome: () => void (open = false),
  };
}

/** The player on a fake document, its URL the bare path. */
function playerOn(fake: ReturnType<typeof fakeOffscreen>) {
  return createOffscreenPlayer({
    offscreen: fake.offscreen,
    getURL: (path) => path,
    sendMessage: fake.sendMessage,
  });
}

describe('offscreen player', () => {
  afterEach(() => vi.useRealTimers());

  it('creates the document on demand, plays, silences it on release and closes it when idle', async () => {
    vi.useFakeTimers();
    const fake = fakeOffscreen();
    const player = createOffscreenPlayer({
      offscreen: fake.offscreen,
      getURL: (path) => `chrome-extension://id${path}`,
      sendMessage: fake.sendMessage,
    });
    await player.play('critical');
    await player.play('warning');
    expect(fake.isOpen()).toBe(true);
    await player.release();
    // Silent at once; the document stays for the next sound a while.
    expect(fake.calls.at(-1)).toBe('stop');
    expect(fake.isOpen()).toBe(true);
    await vi.advanceTimersByTimeAsync(OFFSCREEN_IDLE_CLOSE_MS - 1);
    expect(fake.isOpen()).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.isOpen()).toBe(false);
    expect(fake.calls).toEqual([
      `create:chrome-extension://id${OFFSCREEN_PATH}:AUDIO_PLAYBACK`,
      'play:critical',
      'play:warning',
      'stop',
      'close',
    ]);
    // Released again: nothing more to close, nothing thrown.
    await player.release();
    await vi.advanceTimersByTimeAsync(OFFSCREEN_IDLE_CLOSE_MS);
    expect(fake.offscreen.closeDocument).toHaveBeenCalledTimes(1);
  });

  it('keeps one document through a burst of sounds, each silenced when released', async () => {
    vi.useFakeTimers();
    const fake = fakeOffscreen();
    const player = playerOn(fake);
    for (let i = 0; i < 5; i += 1) {
      await player.play('warning');
      await vi.advanceTimersByTimeAsync(100);
      await player.release();
      await vi.advanceTimersByTimeAsync(OFFSCREEN_IDLE_CLOSE_MS / 2);
    }
    expect(fake.offscreen.createDocument).toHaveBeenCalledTimes(1);
    expect(fake.calls.filter((c) => c === 'stop')).toHaveLength(5);
    expect(fake.isOpen()).toBe(true);
    await vi.advanceTimersByTimeAsync(OFFSCREEN_IDLE_CLOSE_MS);
    expect(fake.isOpen()).toBe(false);
  });

  it('closes the document at once when it does not answer the stop', async () => {
    const fake = fakeOffscreen();
    const player = playerOn(fake);
    await player.play('critical');
    fake.sendMessage.mockRejectedValueOnce(new Error('Receiving end does not exist.'));
    await player.release();
    expect(fake.isOpen()).toBe(false);
    expect(fake.offscreen.closeDocument).toHaveBeenCalledTimes(1);
  });

  it('closes a document a stopped worker left open at its first release', async () => {
    const fake = fakeOffscreen();
    await fake.offscreen.createDocument({ url: 'x', reasons: ['AUDIO_PLAYBACK'] });
    const player = playerOn(fake);
    await player.release();
    expect(fake.isOpen()).toBe(false);
  });

  it('opens the document again when Chrome closed it between repeats', async () => {
    const fake = fakeOffscreen();
    const player = playerOn(fake);
    await player.play('critical');
    fake.closeByChrome();
    await player.play('critical');
    expect(fake.calls.filter((c) => c === 'play:critical')).toHaveLength(2);
    expect(fake.offscreen.createDocument).toHaveBeenCalledTimes(2);
  });
});

describe('page player (Firefox)', () => {
  it('plays on its own audio context and closes it on release', async () => {
    const started: number[] = [];
    const node = () => ({
      connect: (next: unknown) => next,
      start: (at: number) => void started.push(at),
      stop: () => undefined,
      type: 'sine',
      frequency: { value: 0 },
      gain: { setValueAtTime: () => undefined, linearRampToValueAtTime: () => undefined },
    });
    const context = {
      state: 'running',
      currentTime: 0,
      destination: {},
      createOscillator: node,
      createGain: node,
      resume: vi.fn(async () => undefined),
      close: vi.fn(async () => undefined),
    };
    const player = createPagePlayer(() => context as never);
    await player.play('warning');
    expect(started).toHaveLength(2); // two beeps
    await player.release();
    expect(context.close).toHaveBeenCalledTimes(1);
  });

  it('does nothing where there is no audio', async () => {
    const player = createPagePlayer(() => null);
    await expect(player.play('critical')).resolves.toBeUndefined();
    await expect(player.release()).resolves.toBeUndefined();
  });
});
