/*
 * Wakes the background as the popup starts to load (issue #14, wake → live
 * ≤ 300 ms): a stopped MV3 worker starts only when a page talks to it, and
 * the popup's live port opens only once its modules (React, about 260 KiB)
 * are fetched, compiled and run. This classic script runs first, so the
 * worker reads its storage and opens its socket while the popup loads. The
 * answer (null) is not needed; a failure changes nothing (the port wakes it).
 */
(() => {
  try {
    const api = globalThis.browser ?? globalThis.chrome;
    const sent = api.runtime.sendMessage({ type: 'wake' });
    if (sent && typeof sent.catch === 'function') sent.catch(() => undefined);
    // When the wake was asked, for the bench and DevTools (lib/marks.ts).
    performance.mark('frostline:wake-sent');
  } catch {
    // No extension context (a test page): nothing to wake.
  }
})();
