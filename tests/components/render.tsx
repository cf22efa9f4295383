/** Renders a view inside the real providers with a fresh QueryClient and a fake bridge. */
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { BridgeProvider } from '../../components/bridge';
import { createQueryClient } from '../../components/query-keys';
import { RealtimeProvider } from '../../components/RealtimeProvider';
import { FakeBridge } from './fake-bridge';

export function renderWithRealtime(ui: ReactElement, bridge = new FakeBridge()) {
  const queryClient: QueryClient = createQueryClient();
  const result = render(
    <BridgeProvider bridge={bridge}>
      <QueryClientProvider client={queryClient}>
        <RealtimeProvider>{ui}</RealtimeProvider>
      </QueryClientProvider>
    </BridgeProvider>,
  );
  return { ...result, bridge, queryClient };
}
