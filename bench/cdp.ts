/**
 * CDP to the extension's service worker. Playwright's `newCDPSession` takes
 * only pages and frames, and the worker target has no `Performance` domain,
 * so the bench opens a CDP session on an ordinary page of the same browser,
 * attaches to the `service_worker` target (non-flattened) and tunnels
 * commands through `Target.sendMessageToTarget`. Available on the worker:
 * Runtime, HeapProfiler, Profiler (used for CPU), Debugger.
 */
import type { CDPSession, Page } from '@playwright/test';

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export interface WorkerCdp {
  send<T = Record<string, unknown>>(method: string, params?: Record<string, unknown>): Promise<T>;
  targetId: string;
  detach(): Promise<void>;
}

export async function pageCdp(page: Page): Promise<CDPSession> {
  return page.context().newCDPSession(page);
}

/** Target id of the extension's service worker, or undefined when it is stopped. */
export async function workerTargetId(
  cdp: CDPSession,
  extensionId: string,
): Promise<string | undefined> {
  const { targetInfos } = await cdp.send('Target.getTargets');
  return targetInfos.find(
    (t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${extensionId}/`),
  )?.targetId;
}

export async function attachWorker(page: Page, extensionId: string): Promise<WorkerCdp> {
  const cdp = await pageCdp(page);
  const targetId = await workerTargetId(cdp, extensionId);
  if (targetId === undefined) throw new Error('no service worker target');
  return attachTarget(cdp, targetId);
}

/**
 * A session on any target (a worker, an offscreen document) through a
 * page's CDP session, which Playwright does not expose for such targets;
 * detaching it detaches `cdp` too.
 */
export async function attachTarget(cdp: CDPSession, targetId: string): Promise<WorkerCdp> {
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: false });
  let nextId = 1;
  const pending = new Map<number, Pending>();
  cdp.on('Target.receivedMessageFromTarget', (event) => {
    if (event.sessionId !== sessionId) return;
    const message = JSON.parse(event.message) as {
      id?: number;
      result?: unknown;
      error?: { message: string };
    };
    if (message.id === undefined) return;
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(message.error.message));
    else waiter.resolve(message.result);
  });
  return {
    targetId,
    send<T>(method: string, params: Record<string, unknown> = {}) {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        cdp
          .send('Target.sendMessageToTarget', {
            sessionId,
            message: JSON.stringify({ id, method, params }),
          })
          .catch((error: Error) => {
            pending.delete(id);
            reject(error);
          });
      });
    },
    async detach() {
      await cdp.send('Target.detachFromTarget', { sessionId }).catch(() => undefined);
      await cdp.detach().catch(() => undefined);
    },
  };
}

/** JS heap of the worker after a full GC, in bytes. */
/**
 * The worker's memory after a forced GC: the JS heap plus the ArrayBuffer
 * backing stores outside it (the reading history is packed in ArrayBuffers,
 * so the heap alone would understate it) and the embedder's heap.
 */
export async function heapAfterGc(
  cdp: WorkerCdp,
): Promise<{ used: number; total: number; heap: number; backing: number; embedder: number }> {
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const usage = await cdp.send<{
    usedSize: number;
    totalSize: number;
    backingStorageSize?: number;
    embedderHeapUsedSize?: number;
  }>('Runtime.getHeapUsage');
  if (usage.backingStorageSize === undefined) {
    throw new Error(
      'Runtime.getHeapUsage gave no backingStorageSize: ArrayBuffers would go uncounted',
    );
  }
  const backing = usage.backingStorageSize;
  const embedder = usage.embedderHeapUsedSize ?? 0;
  return {
    used: usage.usedSize + backing + embedder,
    total: usage.totalSize + backing + embedder,
    heap: usage.usedSize,
    backing,
    embedder,
  };
}

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
/** V8's `Profiler.Profile`, as written to a .cpuprofile file (DevTools opens it). */
export interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface CpuWindow {
  wallMs: number;
  busyMs: number;
  /** Time covered by samples (≈ wall when the sampler kept up). */
  sampledMs: number;
  samples: number;
  /** busy / wall: share of one core. */
  share: number;
  /** Heaviest self-time functions (name @ file:line), ms. */
  top: { name: string; selfMs: number }[];
}

/** Names a minified frame (url, 0-based line and column), e.g. through a source map. */
export type FrameResolver = (url: string, line: number, column: number) => string | undefined;

/** `name @ source:line` through the resolver, else `name @ file:line`, else the bare name. */
export function frameName(frame: ProfileNode['callFrame'], resolve?: FrameResolver): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return frame.functionName;
  const where = resolve?.(frame.url, frame.lineNumber, frame.columnNumber);
  if (where) return `${name} @ ${where}`;
  return `${name} @ ${frame.url.split('/').pop()}:${frame.lineNumber + 1}`;
}

/** Self time per node id, ms: timeDeltas[i] is the gap before sample i, so it goes to sample i-1's node. */
export function selfTimes(profile: Profile): Map<number, number> {
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 1; i < samples.length; i += 1) {
    const node = samples[i - 1] as number;
    self.set(node, (self.get(node) ?? 0) + (deltas[i] ?? 0) / 1000);
  }
  return self;
}

/**
 * CPU of a profiled thread: V8's sampling profiler attributes every sample
 * to a JS frame, `(program)` (native work such as WebSocket and port
 * dispatch), `(garbage collector)` or `(idle)`. Busy time is everything but
 * `(idle)`; the worker has no `Performance.getMetrics`.
 */
export function summarizeProfile(profile: Profile, resolve?: FrameResolver, topN = 8): CpuWindow {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = selfTimes(profile);
  const wallMs = (profile.endTime - profile.startTime) / 1000;
  let idle = 0;
  const byName = new Map<string, number>();
  for (const [id, ms] of self) {
    const frame = byId.get(id)?.callFrame;
    if (frame?.functionName === '(idle)') {
      idle += ms;
      continue;
    }
    const key = frame ? frameName(frame, resolve) : '?';
    byName.set(key, (byName.get(key) ?? 0) + ms);
  }
  const sampled = [...self.values()].reduce((a, b) => a + b, 0);
  const busyMs = sampled - idle;
  const top = [...byName.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, topN)
    .map(([name, selfMs]) => ({ name, selfMs: Math.round(selfMs * 10) / 10 }));
  return {
    wallMs,
    busyMs,
    sampledMs: sampled,
    samples: (profile.samples ?? []).length,
    share: wallMs > 0 ? busyMs / wallMs : Number.NaN,
    top,
  };
}

/**
 * Who calls the functions named `name` (the bare V8 function name), by
 * caller chain up to `depth` frames, with the self time spent under each
 * chain: how a native entry such as a storage call is reached.
 */
export function callersOf(
  profile: Profile,
  name: string,
  resolve?: FrameResolver,
  depth = 4,
): { chain: string; selfMs: number }[] {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = selfTimes(profile);
  const chains = new Map<string, number>();
  for (const [id, ms] of self) {
    if (byId.get(id)?.callFrame.functionName !== name) continue;
    const names: string[] = [];
    let up = parent.get(id);
    while (up !== undefined && names.length < depth) {
      const frame = byId.get(up)?.callFrame;
      if (!frame || frame.functionName === '(root)') break;
      names.push(frameName(frame, resolve) || '(anonymous)');
      up = parent.get(up);
    }
    const chain = names.join(' ← ') || '(no JS caller)';
    chains.set(chain, (chains.get(chain) ?? 0) + ms);
  }
  return [...chains.entries()]
    .map(([chain, selfMs]) => ({ chain, selfMs: Math.round(selfMs * 10) / 10 }))
    .sort((a, b) => b.selfMs - a.selfMs);
}

/** Records the thread behind `cdp` for `durationMs` with V8's sampling profiler. */
export async function recordProfile(
  cdp: Pick<WorkerCdp, 'send'>,
  durationMs: number,
  wait: (ms: number) => Promise<void>,
): Promise<Profile> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await cdp.send('Profiler.start');
  await wait(durationMs);
  const { profile } = await cdp.send<{ profile: Profile }>('Profiler.stop');
  await cdp.send('Profiler.disable');
  return profile;
}

/** Records the thread behind `cdp` while `work` runs (e.g. a page navigation). */
export async function recordProfileUntil(
  cdp: Pick<WorkerCdp, 'send'>,
  work: () => Promise<void>,
): Promise<Profile> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  let failure: unknown;
  try {
    await work();
  } catch (error) {
    failure = error;
  }
  // Stopped even when the work failed, so the profiler does not keep sampling.
  const { profile } = await cdp.send<{ profile: Profile }>('Profiler.stop');
  await cdp.send('Profiler.disable');
  if (failure !== undefined) throw failure;
  return profile;
}

/** A page's CDP session with the loosely typed `send` the profiling helpers take. */
export function looseCdp(session: CDPSession): Pick<WorkerCdp, 'send'> {
  return {
    send: <T>(method: string, params?: Record<string, unknown>) =>
      session.send(method as never, params as never) as Promise<T>,
  };
}

export async function cpuOver(
  cdp: Pick<WorkerCdp, 'send'>,
  durationMs: number,
  wait: (ms: number) => Promise<void>,
  resolve?: FrameResolver,
  keep?: (profile: Profile) => void,
): Promise<CpuWindow> {
  const profile = await recordProfile(cdp, durationMs, wait);
  keep?.(profile);
  return summarizeProfile(profile, resolve);
}
