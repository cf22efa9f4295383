/**
 * The toolbar popup. Paints from the background's snapshot (no network in the
 * path). Until that first snapshot arrives, the first view the entry module
 * painted without React stays up (`first-view.ts`, #14), else a skeleton
 * shows; the commit that paints the snapshot removes the first view.
 */
import { useCallback, useLayoutEffect, useState } from 'react';
import { usePreferences, useSession } from '../live-data';
import { useRealtimeLiveness } from '../RealtimeProvider';
import { AlertsSection } from './AlertsSection';
import { SinceLastLooked } from './SinceLastLooked';
import { DeliveryNotices } from '../DeliveryNotices';
import { firstViewShown, retireFirstView } from './first-view';
import { StatusLine } from './StatusLine';
import { Summary } from './Summary';
import { UnitDetail } from './UnitDetail';
import { UnitList } from './UnitList';
import { useUnitOverview } from './use-unit-overview';

function Skeleton() {
  return (
    <div className="skeleton" aria-busy="true" aria-label="Loading units">
      {Array.from({ length: 5 }, (_, i) => (
        <div key={i} className="skeleton-row" />
      ))}
    </div>
  );
}

export function Popup() {
  // Not the whole status: the connection's times change with every reading (#14).
  const status = useRealtimeLiveness();
  const session = useSession();
  const preferences = usePreferences();
  const overview = useUnitOverview();
  const [openId, setOpenId] = useState<string | null>(null);
  const close = useCallback(() => setOpenId(null), []);
  const tempScale = preferences?.tempScale ?? 'unit';
  const detail = openId ? overview.entries.find((e) => e.id === openId) : undefined;
  // Before paint: the live view and the first view are never on screen together.
  useLayoutEffect(() => {
    if (status.hasSnapshot) retireFirstView();
  }, [status.hasSnapshot]);

  if (!status.hasSnapshot) {
    // The first view says "Updating…" until the live one can replace it.
    if (firstViewShown()) return null;
    return (
      <div className="popup">
        <StatusLine />
        <Skeleton />
      </div>
    );
  }
  return (
    <div className="popup">
      <div className="popup-main" inert={detail !== undefined}>
        <StatusLine />
        <DeliveryNotices />
        {session ? (
          <>
            <Summary overview={overview} live={status.isConnected} />
            <SinceLastLooked />
            <AlertsSection />
            <UnitList
              overview={overview}
              tempScale={tempScale}
              live={status.isConnected}
              onOpen={setOpenId}
            />
          </>
        ) : (
          <p className="empty">Sign in from the options page to see your units and alerts.</p>
        )}
      </div>
      {detail && (
        <UnitDetail
          info={detail.info}
          siteName={detail.siteName}
          areaName={detail.areaName}
          tempScale={tempScale}
          condition={detail.condition}
          excursion={detail.excursion}
          now={overview.now}
          onClose={close}
        />
      )}
    </div>
  );
}
