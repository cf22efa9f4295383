/**
 * The popup's and options page's only door to the extension: commands over
 * `runtime.sendMessage`, live data over the `LIVE_PORT` port, and the few
 * browser calls a page makes on the user's behalf. This is the one module that
 * touches the extension API, so component tests substitute a fake `Bridge`.
 *
 * The pages use the browser's own API, not the polyfill the worker is built
 * with (#14, row 6b: 9.6 KiB of the popup): Firefox's `browser`, and Chrome's
 * `chrome`, whose calls used here (`runtime.sendMessage`,
 * `runtime.openOptionsPage`, `tabs.create`, `permissions.request`) return
 * promises in Manifest V3; the port is event-based in both.
 */
import { createContext, createElement, useContext, type ReactNode } from 'react';
import type { browser as Api } from 'wxt/browser';
import { isPortOut, isResult, LIVE_PORT } from '../lib/page-guards';
import type { CommandError, Commands, CommandType, PortIn, PortOut, Result } from '../lib/messages';

/** A live port that survives background restarts; every `on*` returns its disposer. */
export interface LivePort {
  /** Posts to the background; dropped while disconnected (re-post after the next snapshot). */
  post(msg: PortIn): void;
  onMessage(cb: (m: PortOut) => void): () => void;
  /** Called each time the underlying port drops (a reconnect follows unless `disconnect()` was called). */
  onDisconnect(cb: () => void): () => void;
  /** Closes for good: no more reconnects. */
  disconnect(): void;
}

export interface Bridge {
  send<K extends CommandType>(
    request: Commands[K]['request'],
  ): Promise<Result<Commands[K]['response']>>;
  connect(): LivePort;
  /** `runtime.openOptionsPage()`. */
  openOptionsPage(): Promise<void>;
  /** Opens a new tab (`tabs.create` needs no `tabs` permission). */
  openTab(url: string): Promise<void>;
  /**
   * `permissions.request({ origins })`. Call it first thing in a click
   * handler: Firefox drops the user gesture after an `await`.
   */
  requestOrigins(origins: string[]): Promise<boolean>;
}

/** The shape of `runtime.Port` this module relies on. */
export interface RawPort {
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: { addListener(cb: (message: unknown) => void): void };
  onDisconnect: { addListener(cb: () => void): void };
}

export interface ResilientPortOptions {
  /** Delays before reconnect attempts 1, 2, …; the last repeats. */
  retryDelaysMs?: readonly number[];
}

const DEFAULT_RETRY_DELAYS_MS = [250, 1_000, 2_000, 5_000] as const;

/**
 * Wraps `open()` (e.g. `runtime.connect`) so that a dropped port — the MV3
 * worker was stopped or restarted — is reopened after a short backoff.
 * Listeners are registered once on the wrapper and carried to each new port,
 * so reconnecting never adds another copy. The background posts a fresh
 * snapshot on every connect, which is how the page learns it is back.
 */
export function createResilientPort(
  open: () => RawPort,
  options: ResilientPortOptions = {},
): LivePort {
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const messageListeners = new Set<(m: PortOut) => void>();
  const disconnectListeners = new Set<() => void>();
  let port: RawPort | null = null;
  const early: PortOut[] = [];
  let closed = false;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const scheduleReconnect = () => {
    if (closed || timer !== null) return;
    const delay = delays[Math.min(failures, delays.length - 1)] ?? 1_000;
    failures += 1;
    timer = setTimeout(() => {
      timer = null;
      attach();
    }, delay);
  };

  const attach = () => {
    if (closed) return;
    let current: RawPort;
    try {
      current = open();
    } catch {
      // The extension context is gone or the worker cannot start yet.
      scheduleReconnect();
      return;
    }
    port = current;
    current.onMessage.addListener((message) => {
      if (port !== current || !isPortOut(message)) return;
      failures = 0;
      // Opened before the page subscribed (see `createBrowserBridge`): keep
      // what arrives until someone listens.
      if (messageListeners.size === 0) early.push(message);
      for (const cb of [...messageListeners]) cb(message);
    });
    current.onDisconnect.addListener(() => {
      if (port !== current) return;
      port = null;
      for (const cb of [...disconnectListeners]) cb();
      scheduleReconnect();
    });
  };

  attach();

  return {
    post(msg) {
      try {
        port?.postMessage(msg);
      } catch {
        // Posting to a port that just died throws; the snapshot after the reconnect re-syncs.
      }
    },
    onMessage(cb) {
      messageListeners.add(cb);
      for (const message of early.splice(0)) cb(message);
      return () => messageListeners.delete(cb);
    },
    onDisconnect(cb) {
      disconnectListeners.add(cb);
      return () => disconnectListeners.delete(cb);
    },
    disconnect() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      const current = port;
      port = null;
      current?.disconnect();
    },
  };
}

/**
 * The contract has no code for "the background did not answer" (no receiver,
 * worker crashed); `server-error` with an explicit message is the closest.
 */
function backgroundUnavailable(): { ok: false; error: CommandError } {
  return {
    ok: false,
    error: {
      code: 'server-error',
      message: 'Frostline’s background service is not responding. Try again.',
    },
  };
}

/** The extension API of this page: Firefox's `browser`, else Chrome's `chrome`. */
function pageApi(): typeof Api {
  const g = globalThis as unknown as { browser?: typeof Api; chrome?: typeof Api };
  return (g.browser?.runtime?.id !== undefined ? g.browser : g.chrome) as typeof Api;
}

/** The real bridge, over the page's extension API. Create it in an entrypoint's `main.tsx`. */
export function createBrowserBridge(options: ResilientPortOptions = {}): Bridge {
  const browser = pageApi();
  const open = () =>
    createResilientPort(() => browser.runtime.connect({ name: LIVE_PORT }) as RawPort, options);
  // The live port opens now, while React is still loading and mounting: the
  // background's snapshot is on its way by the time the page subscribes
  // (issue #5, popup time to data). The first `connect()` takes this port.
  let preopened: LivePort | null = open();
  return {
    async send<K extends CommandType>(request: Commands[K]['request']) {
      try {
        const response: unknown = await browser.runtime.sendMessage(request);
        if (isResult(response)) return response as Result<Commands[K]['response']>;
        return backgroundUnavailable();
      } catch {
        return backgroundUnavailable();
      }
    },
    connect() {
      const port = preopened ?? open();
      preopened = null;
      return port;
    },
    async openOptionsPage() {
      await browser.runtime.openOptionsPage();
    },
    async openTab(url) {
      await browser.tabs.create({ url });
    },
    async requestOrigins(origins) {
      try {
        return await browser.permissions.request({ origins });
      } catch {
        return false;
      }
    },
  };
}

const BridgeContext = createContext<Bridge | null>(null);

export function BridgeProvider({ bridge, children }: { bridge: Bridge; children?: ReactNode }) {
  return createElement(BridgeContext.Provider, { value: bridge }, children);
}

export function useBridge(): Bridge {
  const bridge = useContext(BridgeContext);
  if (!bridge) throw new Error('useBridge() needs a <BridgeProvider>.');
  return bridge;
}
