/** The plain-text diagnostics a supervisor copies for support; never contains a token. */
import type { SessionInfo } from './model';
import { scaleMismatch, scaleWarningText } from './scale-check';
import type { State } from './state';

export function diagnosticsText(input: {
  version: string;
  session: SessionInfo | null;
  state: State;
  serverMessages: readonly string[];
}): string {
  const { session, state } = input;
  const c = state.connection;
  const d = state.diagnostics;
  const lines = [
    `Frostline ${input.version}`,
    `Server: ${session?.serverUrl ?? '(signed out)'}`,
    `Organization: ${session?.organizationId ?? '-'}`,
    `Status: ${c.status} since ${new Date(c.since).toISOString()}`,
    `Round trip: ${c.rtt === null ? '-' : `${Math.round(c.rtt)} ms`}`,
    `Clock offset: ${c.clockOffset} ms (implausible answers ignored: ${d.invalidByKind['ping/implausible-clock'] ?? 0})`,
    `Reconnects: ${c.reconnects}`,
    `Last event: ${c.lastEventAt === null ? '-' : new Date(c.lastEventAt).toISOString()}`,
    `Last data: ${c.lastDataAt === null ? '-' : new Date(c.lastDataAt).toISOString()}`,
    `Last error: ${c.lastError === null ? '-' : `${c.lastError.code}: ${c.lastError.message}`}`,
    `Events received: ${d.eventsReceived}`,
    `Readings received: ${d.readingsReceived}`,
    `Duplicates dropped: ${d.duplicatesDropped}`,
    `Notifications shown: ${d.notificationsShown}`,
    `Units: ${state.units.size}, open alerts: ${state.alerts.size}`,
    'Invalid payloads dropped:',
    ...Object.entries(d.invalidByKind).map(([kind, count]) => `  ${kind}: ${count}`),
    `Limits read as: ${state.directory?.wholeDegreeLimits === true ? 'whole degrees' : 'tenths (the contract)'}`,
    'Scale warnings:',
    ...scaleWarnings(state).map((w) => `  ${w}`),
    'Connection history:',
    ...d.history.map((h) => `  ${new Date(h.at).toISOString()} ${h.status} ${h.detail}`),
    'Server messages:',
    ...input.serverMessages.map((m) => `  ${m}`),
  ];
  return lines.join('\n');
}

/** The scale check (`lib/scale-check.ts`) over every directory unit's latest reading. */
function scaleWarnings(state: State): string[] {
  const out: string[] = [];
  const whole = state.directory?.wholeDegreeLimits === true;
  for (const info of state.directory?.units ?? []) {
    const temperature = state.units.get(info.id)?.latest?.temperature ?? info.lastTemperature;
    const mismatch = scaleMismatch(info, temperature);
    if (mismatch === null || temperature === null || info.tempMin === null || info.tempMax === null)
      continue;
    out.push(
      scaleWarningText({
        unitName: info.name,
        temperature,
        tempMin: info.tempMin,
        tempMax: info.tempMax,
        tempUnit: info.tempUnit,
        mismatch,
        wholeDegreeLimits: whole,
      }),
    );
  }
  return out;
}
