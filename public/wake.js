// Wakes a stopped background before the popup's modules load: see entrypoints/popup/index.html (#14).
(() => {
  try {
    const api = globalThis.browser ?? globalThis.chrome;
    const sent = api.runtime.sendMessage({ type: 'wake' });
    if (sent && typeof sent.catch === 'function') sent.catch(() => undefined);
    // When the wake was asked, for the bench and DevTools (lib/marks.ts).
    performance.mark('frostline:wake-sent');
    // The first view's read starts here too, while the module scripts load;
    // entrypoints/popup/main.ts takes its answer (key: lib/first-view.ts).
    const area = api.storage && api.storage.session;
    if (area) globalThis.__frostlineFirstView = area.get('firstView');
  } catch {
    // No extension context (a test page): nothing to wake.
  }
})();
