import { QueryClientProvider } from '@tanstack/react-query';
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
