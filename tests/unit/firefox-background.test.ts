/**
 * Firefox has no notification buttons (issue #12): the background registers
 * no `onButtonClicked` listener there (Firefox warns on its placeholder), and
 * a click on an alert notification leads to the popup, where Acknowledge is;
 * when the browser will not open the popup from a notification click, the
 * popup page opens in a tab.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WxtBrowser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing';
import { createBackground } from '../../lib/background';
import { prepareFakeBrowser } from '../support/fake-extension';

type Background = ReturnType<typeof createBackground>;
let running: Background | null = null;

let buttonListeners = 0;
let clickListeners = 0;

async function boot(supportsButtons: boolean): Promise<Background> {
  prepareFakeBrowser();
  buttonListeners = clickListeners = 0;
  const { onButtonClicked, onClicked } = fakeBrowser.notifications;
  const addButton = onButtonClicked.addListener.bind(onButtonClicked);
  vi.spyOn(onButtonClicked, 'addListener').mockImplementation((listener) => {
    buttonListeners += 1;
    addButton(listener);
  });
  const addClicked = onClicked.addListener.bind(onClicked);
  vi.spyOn(onClicked, 'addListener').mockImplementation((listener) => {
    clickListeners += 1;
    addClicked(listener);
  });
  const background = createBackground({
    browser: fakeBrowser as unknown as WxtBrowser,
    supportsButtons,
    events: new EventTarget(),
  });
  background.listen();
  await background.start();
  running = background;
  return background;
}

afterEach(() => {
  running?.stop();
  running = null;
});

describe('notification buttons', () => {
  it('are listened to where the browser has them (Chrome)', async () => {
    await boot(true);
    expect(buttonListeners).toBe(1);
  });

  it('are not listened to on Firefox, which has none', async () => {
    await boot(false);
    expect(buttonListeners).toBe(0);
    expect(clickListeners).toBe(1);
  });
});

describe('a click on an alert notification on Firefox', () => {
  it('opens the popup and clears the notification', async () => {
    await boot(false);
    const openPopup = vi.fn(() => Promise.resolve());
    (fakeBrowser.action as { openPopup: () => Promise<void> }).openPopup = openPopup;
    const clear = vi.spyOn(fakeBrowser.notifications, 'clear');
    const create = vi.spyOn(fakeBrowser.tabs, 'create');
    await fakeBrowser.notifications.onClicked.trigger('alert:a-1');
    await vi.waitFor(() => expect(openPopup).toHaveBeenCalledTimes(1));
    expect(clear).toHaveBeenCalledWith('alert:a-1');
    expect(create).not.toHaveBeenCalled();
  });

  it('opens the popup page in a tab when the browser refuses to open the popup', async () => {
    await boot(false);
    (fakeBrowser.action as { openPopup: () => Promise<void> }).openPopup = () =>
      Promise.reject(new Error('openPopup requires a user gesture'));
    const create = vi.spyOn(fakeBrowser.tabs, 'create');
    await fakeBrowser.notifications.onClicked.trigger('alert:a-1');
    await vi.waitFor(() =>
      expect(create).toHaveBeenCalledWith({ url: fakeBrowser.runtime.getURL('/popup.html') }),
    );
  });
});
