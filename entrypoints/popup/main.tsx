import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BridgeProvider, createBrowserBridge } from '../../components/bridge';
import { Popup } from '../../components/popup/Popup';
import { createQueryClient } from '../../components/query-keys';
import { RealtimeProvider } from '../../components/RealtimeProvider';
import '../../components/theme.css';
import './style.css';

const bridge = createBrowserBridge();
const queryClient = createQueryClient();

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <BridgeProvider bridge={bridge}>
      <QueryClientProvider client={queryClient}>
        <RealtimeProvider>
          <Popup />
        </RealtimeProvider>
      </QueryClientProvider>
    </BridgeProvider>
  </StrictMode>,
);
