/**
 * What may keep alerts from reaching the supervisor (issue #13): blocked
 * notifications, a notification that failed, a silent server. The worker
 * decides (`lib/delivery.ts`); this only shows its words, in the popup and on
 * the options page, where the supervisor looks.
 */
import { memo } from 'react';
import { useDeliveryNotices } from './live-data';

export const DeliveryNotices = memo(function DeliveryNotices() {
  const notices = useDeliveryNotices();
  if (notices === undefined || notices.length === 0) return null;
  return (
    <section aria-label="Delivery warnings" className="delivery-notices">
      {notices.map((notice) => (
        <p key={notice.kind} className="delivery-notice" data-kind={notice.kind}>
          <span aria-hidden="true">⚠ </span>
          {notice.text}
        </p>
      ))}
    </section>
  );
});
