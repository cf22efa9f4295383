import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { createBackground } from '@/lib/background';
import { markOnce } from '@/lib/marks';

export default defineBackground({
  // A classic script, not `type: 'module'` (#14): WXT then builds the
  // background on its own into one file, instead of beside the pages with
  // chunks shared with them. A woken worker loads one file, not eight: its
  // first line ran 67 ms after the worker started instead of 85 (medians of
  // alternating wake-only bench runs), and the bundle lost its chunks' glue.
  // Firefox builds as MV2: a persistent background page, never suspended for
  // idleness, so the socket stays up on a quiet server (issue #12,
  // docs/firefox.md). Chrome's MV3 service worker ignores this.
  persistent: true,
  main() {
    markOnce('script');
    const background = createBackground({
      browser,
      supportsButtons: import.meta.env.BROWSER !== 'firefox',
    });
    // Listeners first and synchronously: a woken worker must not miss the event that woke it.
    background.listen();
    void background.start();
  },
});
