import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { createBackground } from '@/lib/background';

export default defineBackground({
  type: 'module',
  main() {
    const background = createBackground({
      browser,
      supportsButtons: import.meta.env.BROWSER !== 'firefox',
    });
    // Listeners first and synchronously: a woken worker must not miss the event that woke it.
    background.listen();
    void background.start();
  },
});
