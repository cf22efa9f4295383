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

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
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

/**
 * CPU of the worker's thread over `durationMs`: V8's sampling profiler
 * attributes every sample to a JS frame, `(program)` (native work such as
 * WebSocket and port dispatch), `(garbage collector)` or `(idle)`. Busy time
 * is everything but `(idle)`; the worker has no `Performance.getMetrics`.
 */
/** Names a minified frame (url, 0-based line and column), e.g. through a source map. */
export type FrameResolver = (url: string, line: number, column: number) => string | undefined;

export async function cpuOver(
  cdp: WorkerCdp,
  durationMs: number,
  wait: (ms: number) => Promise<void>,
  resolve?: FrameResolver,
): Promise<CpuWindow> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  await cdp.send('Profiler.start');
  await wait(durationMs);
  const { profile } = await cdp.send<{ profile: Profile }>('Profiler.stop');
  await cdp.send('Profiler.disable');
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // timeDeltas[i] is the gap before sample i: attribute it to sample i-1's node.
  for (let i = 1; i < samples.length; i += 1) {
    const node = samples[i - 1] as number;
    self.set(node, (self.get(node) ?? 0) + (deltas[i] ?? 0) / 1000);
  }
  const wallMs = (profile.endTime - profile.startTime) / 1000;
  let idle = 0;
  const byName = new Map<string, number>();
  for (const [id, ms] of self) {
    const frame = byId.get(id)?.callFrame;
    const name = frame?.functionName ?? '?';
    if (name === '(idle)') {
      idle += ms;
      continue;
    }
    const file = frame?.url ? frame.url.split('/').pop() : '';
    const where =
      frame && frame.url ? resolve?.(frame.url, frame.lineNumber, frame.columnNumber) : undefined;
    const key = where
      ? `${name || '(anonymous)'} @ ${where}`
      : file
        ? `${name || '(anonymous)'} @ ${file}:${(frame?.lineNumber ?? 0) + 1}`
        : name;
    byName.set(key, (byName.get(key) ?? 0) + ms);
  }
  const sampled = [...self.values()].reduce((a, b) => a + b, 0);
  const busyMs = sampled - idle;
  const top = [...byName.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([name, selfMs]) => ({ name, selfMs: Math.round(selfMs * 10) / 10 }));
  return {
    wallMs,
    busyMs,
    sampledMs: sampled,
    samples: samples.length,
    share: wallMs > 0 ? busyMs / wallMs : Number.NaN,
    top,
  };
}
