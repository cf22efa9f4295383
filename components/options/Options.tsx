/** The options page: account, scope, preferences, diagnostics. */
import { AccountSection } from './AccountSection';
import { DiagnosticsSection } from './DiagnosticsSection';
import { PreferencesSection } from './PreferencesSection';
import { ScopeSection } from './ScopeSection';
import { TemperatureLimitsSection } from './TemperatureLimitsSection';
import { DeliveryNotices } from '../DeliveryNotices';
import { StatusLine } from '../popup/StatusLine';

export function Options() {
  return (
    <main className="options">
      <StatusLine offerSignIn={false} />
      <DeliveryNotices />
      <AccountSection />
      <ScopeSection />
      <PreferencesSection />
      <TemperatureLimitsSection />
      <DiagnosticsSection />
    </main>
  );
}
