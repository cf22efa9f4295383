/**
 * A small WebDriver BiDi client (https://w3c.github.io/webdriver-bidi/) for
 * driving Firefox with the extension installed (issue #12). Only the commands
 * the Firefox suite and the demo use, typed by hand: `session.new`,
 * `webExtension.install`, `browsingContext.create/navigate/reload/
 * locateNodes/setViewport/captureScreenshot/close`, `script.callFunction`,
 * `input.performActions`.
 *
 * Why our own: no geckodriver on CI, and the maintained clients either need
 * one (WebdriverIO, selenium) or do not drive `moz-extension://` pages
 * reliably. BiDi sends no events for extension contexts, so nothing here
 * waits on events: callers poll (`poll()` below).
 *
 * Node 20 has no global WebSocket: the `ws` package is used.
 */
import WebSocket from 'ws';

/** A node reference as BiDi hands it out (`sharedId`) and accepts it back. */
export interface NodeRef {
  type: 'node';
  sharedId: string;
}

/** `browsingContext.locateNodes` locators used here. */
export type Locator =
  | { type: 'css'; value: string }
  | { type: 'accessibility'; value: { role?: string; name?: string } };

/** A serialized BiDi remote value (the part we read back). */
type RemoteValue =
  | { type: 'undefined' | 'null' }
  | { type: 'string'; value: string }
  | { type: 'number'; value: number | 'NaN' | '-0' | 'Infinity' | '-Infinity' }
  | { type: 'boolean'; value: boolean }
  | { type: 'array'; value: RemoteValue[] }
  | { type: 'object'; value: [string | RemoteValue, RemoteValue][] }
  | { type: 'node'; sharedId: string }
  | { type: string; value?: unknown };

type EvaluateResult =
  | { type: 'success'; result: RemoteValue }
  | {
      type: 'exception';
      exceptionDetails: { text: string; exception: RemoteValue };
    };

/** A key or pointer action for `input.performActions`. */
type ActionSource =
  | {
      type: 'key';
      id: string;
      actions: (
        { type: 'keyDown' | 'keyUp'; value: string } | { type: 'pause'; duration?: number }
      )[];
    }
  | {
      type: 'pointer';
      id: string;
      parameters?: { pointerType: 'mouse' };
      actions: (
        | {
            type: 'pointerMove';
            x: number;
            y: number;
            origin?: { type: 'element'; element: NodeRef };
          }
        | { type: 'pointerDown' | 'pointerUp'; button: number }
      )[];
    };

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  method: string;
}

export class BidiError extends Error {
  constructor(
    readonly method: string,
    readonly error: string,
    message: string,
  ) {
    super(`${method}: ${error}: ${message}`);
  }
}

/** One BiDi session over one WebSocket. */
export class BidiSession {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => this.onMessage(String(data)));
    const failAll = (why: string) => {
      for (const p of this.pending.values()) p.reject(new Error(`${p.method}: ${why}`));
      this.pending.clear();
    };
    // Firefox exiting or crashing ends the socket: fail what waits, never throw an 'error' event.
    socket.on('error', (error) => failAll(`the BiDi connection failed: ${error.message}`));
    socket.on('close', () => failAll('the BiDi connection closed'));
  }

  /** Connects to `ws://host:port/session` and starts a session. */
  static async connect(url: string): Promise<BidiSession> {
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const session = new BidiSession(socket);
    await session.send('session.new', { capabilities: {} });
    return session;
  }

  /** Sends one command; resolves with its result or rejects with a `BidiError`. */
  send<T = unknown>(method: string, params: object): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, method });
      this.socket.send(JSON.stringify({ id, method, params }), (error) => {
        if (error) {
          this.pending.delete(id);
          reject(error);
        }
      });
    });
  }

  private onMessage(text: string): void {
    let message: { id?: number; type?: string; result?: unknown; error?: string; message?: string };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    if (message.id === undefined) return; // events: not used (none for extension contexts)
    const pending = this.pending.get(message.id);
    if (pending === undefined) return;
    this.pending.delete(message.id);
    if (message.type === 'error') {
      pending.reject(
        new BidiError(pending.method, message.error ?? 'error', message.message ?? ''),
      );
    } else {
      pending.resolve(message.result);
    }
  }

  async installExtension(path: string): Promise<string> {
    const result = await this.send<{ extension: string }>('webExtension.install', {
      extensionData: { type: 'path', path },
    });
    return result.extension;
  }

  async newTab(): Promise<string> {
    const result = await this.send<{ context: string }>('browsingContext.create', {
      type: 'tab',
    });
    return result.context;
  }

  async closeTab(context: string): Promise<void> {
    await this.send('browsingContext.close', { context });
  }

  async navigate(context: string, url: string): Promise<void> {
    await this.send('browsingContext.navigate', { context, url, wait: 'complete' });
  }

  async reload(context: string): Promise<void> {
    await this.send('browsingContext.reload', { context, wait: 'complete' });
  }

  async setViewport(context: string, width: number, height: number): Promise<void> {
    await this.send('browsingContext.setViewport', { context, viewport: { width, height } });
  }

  /** A PNG of the page, the whole document when `fullPage`. */
  async screenshot(context: string, fullPage = false): Promise<Buffer> {
    const result = await this.send<{ data: string }>('browsingContext.captureScreenshot', {
      context,
      origin: fullPage ? 'document' : 'viewport',
    });
    return Buffer.from(result.data, 'base64');
  }

  async locate(context: string, locator: Locator, startNodes?: NodeRef[]): Promise<NodeRef[]> {
    const result = await this.send<{ nodes: { sharedId: string }[] }>(
      'browsingContext.locateNodes',
      { context, locator, ...(startNodes ? { startNodes } : {}) },
    );
    return result.nodes.map((n) => ({ type: 'node', sharedId: n.sharedId }));
  }

  /**
   * Runs `fn` in the page of `context` (an extension page has `browser.*`)
   * with the given arguments (JSON values or nodes), awaits it, and returns
   * its result as plain JSON.
   */
  async call<T>(
    context: string,
    fn: string,
    args: (NodeRef | string | number | boolean | null)[] = [],
  ): Promise<T> {
    // Results cross as a JSON string: one serialization rule, no remote-value decoding.
    const wrapped = `async function (...args) { return JSON.stringify(await (${fn})(...args)) ?? null; }`;
    const result = await this.send<EvaluateResult>('script.callFunction', {
      functionDeclaration: wrapped,
      target: { context },
      arguments: args.map(toLocalValue),
      awaitPromise: true,
      resultOwnership: 'none',
    });
    if (result.type === 'exception') {
      throw new Error(`script error: ${result.exceptionDetails.text}`);
    }
    const value = result.result;
    if (value.type === 'null') return undefined as T;
    if (value.type !== 'string' || typeof value.value !== 'string') {
      throw new Error(`unexpected script result ${JSON.stringify(value)}`);
    }
    return JSON.parse(value.value) as T;
  }

  /** A real mouse click in the middle of the node. */
  async click(context: string, node: NodeRef): Promise<void> {
    await this.call(context, '(el) => el.scrollIntoView({ block: "center" })', [node]);
    await this.performActions(context, [
      {
        type: 'pointer',
        id: 'mouse',
        parameters: { pointerType: 'mouse' },
        actions: [
          { type: 'pointerMove', x: 0, y: 0, origin: { type: 'element', element: node } },
          { type: 'pointerDown', button: 0 },
          { type: 'pointerUp', button: 0 },
        ],
      },
    ]);
  }

  /** Focuses the field, selects what it holds and types `text` over it with key events. */
  async fill(context: string, node: NodeRef, text: string): Promise<void> {
    await this.call(context, '(el) => { el.focus(); el.select?.(); }', [node]);
    const actions: { type: 'keyDown' | 'keyUp'; value: string }[] = [];
    // An empty text still has to clear the field.
    if (text === '')
      actions.push({ type: 'keyDown', value: '\uE003' }, { type: 'keyUp', value: '\uE003' });
    for (const ch of text)
      actions.push({ type: 'keyDown', value: ch }, { type: 'keyUp', value: ch });
    await this.performActions(context, [{ type: 'key', id: 'keyboard', actions }]);
  }

  async performActions(context: string, actions: ActionSource[]): Promise<void> {
    await this.send('input.performActions', { context, actions });
    await this.send('input.releaseActions', { context });
  }

  async end(): Promise<void> {
    await this.send('session.end', {}).catch(() => undefined);
    this.socket.close();
  }
}

function toLocalValue(arg: NodeRef | string | number | boolean | null): object {
  if (arg === null) return { type: 'null' };
  if (typeof arg === 'string') return { type: 'string', value: arg };
  if (typeof arg === 'number') return { type: 'number', value: arg };
  if (typeof arg === 'boolean') return { type: 'boolean', value: arg };
  return arg;
}

export interface PollOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Says what was awaited, in the timeout error. */
  what: string;
}

/**
 * Calls `read` until `accept` holds for its value and returns that value;
 * throws with the last value seen after `timeoutMs`. BiDi gives no events for
 * extension contexts, so this is how every wait in the Firefox suite is done.
 */
export async function poll<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  { timeoutMs = 15_000, intervalMs = 100, what }: PollOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown = null;
  for (;;) {
    try {
      last = await read();
      lastError = null;
      if (accept(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const seen = lastError !== null ? String(lastError) : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
