import { notifyManager, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { BridgeProvider, createBrowserBridge } from './bridge';
import { createQueryClient } from './query-keys';
import { RealtimeProvider } from './RealtimeProvider';

/**
 * Renders a page of the extension inside the providers every page needs: the
 * bridge to the background, a fresh query cache, and the live data from the
 * background. Called once by each entrypoint.
 */
export function mountPage(page: ReactNode): void {
  // Observers hear of a `setQueryData` in a microtask after the patch's batch,
  // not in a `setTimeout(0)` task (TanStack's default): the patch's render then
  // lands in the same task as the port message instead of queueing behind the
  // other messages and frames of a busy popup (#14, reading → popup DOM).
  notifyManager.setScheduler(queueMicrotask);
  const bridge = createBrowserBridge();
  const queryClient = createQueryClient();
  createRoot(document.getElementById('root') as HTMLElement).render(
    <StrictMode>
      <BridgeProvider bridge={bridge}>
        <QueryClientProvider client={queryClient}>
          <RealtimeProvider>{page}</RealtimeProvider>
        </QueryClientProvider>
      </BridgeProvider>
    </StrictMode>,
  );
}
