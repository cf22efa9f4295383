/**
 * The baseline for "reading latency to screen": the web-dashboard way, no
 * service worker in between. One socket.io-client (WebSocket transport, token
 * in `auth`) writes each batch's newest reading into a TanStack Query cache
 * with `setQueryData`; React rows subscribed to their own unit's key render
 * the value with the product's own formatter, in an `aria-label` shaped like
 * the popup's, so one MutationObserver works for both pages.
 *
 * Configured by the bench before the page's scripts run (an init script
 * sets `__baselineConfig`: `{ url, token, units: [{ id, name, tempUnit,
 * group }] }`), so the token is never in a URL.
 */
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { createElement as h, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { io } from 'socket.io-client';
import { formatTemperature } from '../../lib/format';
import type { TempUnit, WireReadingsBatch } from '../../lib/protocol';

interface Config {
  url: string;
  token: string;
  /** `group` is the list label the popup gives the unit's site and area: "Site, Area". */
  units: { id: string; name: string; tempUnit: TempUnit; group: string }[];
}
interface Latest {
  temperature: number;
  at: number;
}

const config = (globalThis as { __baselineConfig?: Config }).__baselineConfig;
if (config === undefined) throw new Error('baseline page: no __baselineConfig (set by the bench)');
const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: Infinity, gcTime: Infinity, retry: false } },
});
const key = (unitId: string) => ['unit-latest-reading', unitId] as const;

const socket = io(config.url, {
  path: '/socket.io/',
  transports: ['websocket'],
  auth: { token: config.token },
});
socket.on('sensor:readings:batch', (batch: WireReadingsBatch) => {
  let newest: Latest | null = null;
  for (const r of batch.readings) {
    const at = Date.parse(r.timestamp ?? r.recordedAt ?? '');
    if (newest === null || at >= newest.at) newest = { temperature: r.temperature, at };
  }
  if (newest === null) return;
  const next = newest;
  // Newest by sensor time, as the popup shows it.
  queryClient.setQueryData<Latest>(key(batch.unitId), (prev) =>
    prev !== undefined && prev.at > next.at ? prev : next,
  );
});
socket.on('connect', () => {
  (globalThis as { __baselineConnected?: boolean }).__baselineConnected = true;
});

function Row({ id, name, tempUnit }: Pick<Config['units'][number], 'id' | 'name' | 'tempUnit'>) {
  const { data } = useQuery<Latest | null>({
    queryKey: key(id),
    queryFn: () => null,
    enabled: false,
  });
  const text = data ? formatTemperature(data.temperature, tempUnit) : 'no reading';
  return h(
    'li',
    { className: 'unit-row', 'aria-label': `${name}, ${text}, Normal` },
    h('span', null, name),
    h('span', null, text),
  );
}

const groups = new Map<string, Config['units']>();
for (const u of config.units) groups.set(u.group, [...(groups.get(u.group) ?? []), u]);

function App() {
  return h(
    'section',
    { 'aria-label': 'Units' },
    [...groups].map(([group, units]) =>
      h(
        'ul',
        { key: group, 'aria-label': group },
        units.map((u) => h(Row, { key: u.id, id: u.id, name: u.name, tempUnit: u.tempUnit })),
      ),
    ),
  );
}

createRoot(document.getElementById('root') as HTMLElement).render(
  h(StrictMode, null, h(QueryClientProvider, { client: queryClient }, h(App))),
);
