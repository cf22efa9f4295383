/**
 * Row 4c, popup JS heap (issue #14): the open popup with 1,000 units, once
 * its first rows are painted and the sparkline history has arrived, after
 * two forced GCs (CDP HeapProfiler on the popup page), as V8 reports it
 * (`Runtime.getHeapUsage().usedSize`). ArrayBuffer backing stores and the
 * embedder (DOM) heap are recorded beside it, not added: the target is the
 * JS heap. MB = 10^6 bytes, as the target is written.
 */
import type { Page } from '@playwright/test';
import { pageCdp } from './cdp';

export interface PopupHeapResult {
  jsHeapMb: number;
  jsHeapTotalMb: number;
  backingMb: number;
  embedderMb: number;
}

const MB = 1_000_000;

export async function measurePopupHeap(popup: Page): Promise<PopupHeapResult> {
  const cdp = await pageCdp(popup);
  try {
    await cdp.send('HeapProfiler.enable');
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    const usage = (await cdp.send('Runtime.getHeapUsage')) as {
      usedSize: number;
      totalSize: number;
      backingStorageSize?: number;
      embedderHeapUsedSize?: number;
    };
    return {
      jsHeapMb: usage.usedSize / MB,
      jsHeapTotalMb: usage.totalSize / MB,
      backingMb: (usage.backingStorageSize ?? Number.NaN) / MB,
      embedderMb: (usage.embedderHeapUsedSize ?? Number.NaN) / MB,
    };
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}
