/**
 * A test double of our own boundary (`components/bridge.ts`): records
 * commands and port posts, answers commands from per-test handlers, and lets
 * a test push snapshots and patches as the background would.
 */
import { act } from '@testing-library/react';
import type { Bridge, LivePort } from '../../components/bridge';
import type {
  CommandType,
  Commands,
  PortIn,
  PortOut,
  Result,
  Patch,
  Snapshot,
} from '../../lib/messages';
import { applyToSnapshot, workerView } from './worker-view';

type Handler<K extends CommandType> = (
  request: Commands[K]['request'],
) => Result<Commands[K]['response']> | Promise<Result<Commands[K]['response']>>;

export class FakeBridge implements Bridge {
  readonly sent: Commands[CommandType]['request'][] = [];
  readonly posted: PortIn[] = [];
  readonly openedTabs: string[] = [];
  readonly originRequests: string[][] = [];
  optionsPageOpened = 0;
  connections = 0;
  grantOrigins = true;
  private handlers = new Map<CommandType, Handler<CommandType>>();
  private messageListeners = new Set<(m: PortOut) => void>();
  private disconnectListeners = new Set<() => void>();
  private open = false;
  /** What the background would hold now, to build the unit view it would send. */
  private model: Omit<Snapshot, 'view'> | null = null;

  /** Answers `type` commands with `handler` (default: `{ ok: true, data: null }`). */
  on<K extends CommandType>(type: K, handler: Handler<K>): this {
    this.handlers.set(type, handler as unknown as Handler<CommandType>);
    return this;
  }

  sentOfType<K extends CommandType>(type: K): Commands[K]['request'][] {
    return this.sent.filter((r) => r.type === type) as Commands[K]['request'][];
  }

  async send<K extends CommandType>(
    request: Commands[K]['request'],
  ): Promise<Result<Commands[K]['response']>> {
    this.sent.push(request);
    const handler = this.handlers.get(request.type);
    if (!handler) return { ok: true, data: null as Commands[K]['response'] };
    return (await handler(request)) as Result<Commands[K]['response']>;
  }

  connect(): LivePort {
    this.connections += 1;
    this.open = true;
    return {
      post: (msg) => {
        if (this.open) this.posted.push(msg);
      },
      onMessage: (cb) => {
        this.messageListeners.add(cb);
        return () => this.messageListeners.delete(cb);
      },
      onDisconnect: (cb) => {
        this.disconnectListeners.add(cb);
        return () => this.disconnectListeners.delete(cb);
      },
      disconnect: () => {
        this.open = false;
      },
    };
  }

  async openOptionsPage(): Promise<void> {
    this.optionsPageOpened += 1;
  }

  async openTab(url: string): Promise<void> {
    this.openedTabs.push(url);
  }

  async requestOrigins(origins: string[]): Promise<boolean> {
    this.originRequests.push(origins);
    return this.grantOrigins;
  }

  get listenerCount(): number {
    return this.messageListeners.size;
  }

  /** Delivers a port message inside `act` and lets TanStack Query flush its notifications. */
  async emit(message: PortOut): Promise<void> {
    await act(async () => {
      for (const cb of [...this.messageListeners]) cb(message);
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
  }

  /**
   * After a `drop()`, a snapshot means the port was reopened. Like the
   * background, it carries the unit view the worker's `unitView()` builds
   * from the rest (a test that spreads a fixture and changes units gets the
   * view of what it sends).
   */
  snapshot(snapshot: Snapshot): Promise<void> {
    if (this.connections > 0) this.open = true;
    const { view: _ignored, ...rest } = snapshot;
    this.model = rest;
    return this.emit({ type: 'snapshot', snapshot: { ...rest, view: workerView(rest) } });
  }

  /** A patch; like the background, it carries the new unit view when the view changed. */
  patch(patch: Omit<Patch, 'at'> & { at?: number }): Promise<void> {
    const full: Patch = { at: Date.now(), ...patch };
    if (this.model !== null) {
      const before = workerView(this.model);
      this.model = applyToSnapshot(this.model, full);
      const after = workerView(this.model);
      if (full.view === undefined && JSON.stringify(before) !== JSON.stringify(after)) {
        full.view = after;
      }
    }
    return this.emit({ type: 'patch', patch: full });
  }

  /** The port drops (the worker restarted); the real bridge would reconnect. */
  async drop(): Promise<void> {
    this.open = false;
    await act(async () => {
      for (const cb of [...this.disconnectListeners]) cb();
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
  }
}
