/**
 * The popup's entry (#14, popup open → first rows ≤ 100 ms): React-free and
 * small. It paints the first view the worker keeps in `storage.session`
 * (`components/popup/first-view.ts`: last known, marked "Updating…"), and
 * only after that frame loads the live popup (`app.tsx`), which replaces it
 * once its snapshot is in. Without a stored first view it loads the live
 * popup at once.
 */
import '../../components/theme.css';
import './style.css';
import { afterNextPaint } from '../../components/after-paint';
import { paintFirstView, parseFirstView } from '../../components/popup/first-view';
import { FIRST_VIEW_KEY } from '../../lib/first-view';

interface SessionArea {
  get(key: string): Promise<Record<string, unknown>>;
}

/** `storage.session` without the polyfill: Firefox's `browser`, else Chrome's `chrome`. */
function sessionArea(): SessionArea | undefined {
  const g = globalThis as { browser?: unknown; chrome?: unknown };
  const api = (g.browser ?? g.chrome) as { storage?: { session?: SessionArea } } | undefined;
  return api?.storage?.session;
}

/** The read public/wake.js started while the modules loaded, if it did. */
function earlyRead(): Promise<Record<string, unknown>> | undefined {
  const early = (globalThis as { __frostlineFirstView?: unknown }).__frostlineFirstView;
  return typeof (early as { then?: unknown } | undefined)?.then === 'function'
    ? (early as Promise<Record<string, unknown>>)
    : undefined;
}

async function readFirstView(): Promise<unknown> {
  try {
    return (await (earlyRead() ?? sessionArea()?.get(FIRST_VIEW_KEY)))?.[FIRST_VIEW_KEY];
  } catch {
    return undefined;
  }
}

/** After the next frame is painted. */
function afterPaint(): Promise<void> {
  return new Promise((resolve) => afterNextPaint(resolve));
}

/** A User Timing mark for the bench's row 4 and DevTools (as the worker's, lib/marks.ts). */
function mark(name: string): void {
  try {
    performance.mark(`frostline:${name}`);
  } catch {
    // Only for profiling.
  }
}

async function start(): Promise<void> {
  mark('popup-script');
  const root = document.getElementById('root') as HTMLElement;
  const view = parseFirstView(await readFirstView());
  mark('first-view-read');
  if (view !== null && paintFirstView(view, root)) {
    mark('first-view-in-dom');
    await afterPaint();
  }
  await import('./app');
  mark('app-loaded');
}

void start();
