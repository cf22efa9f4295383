/**
 * Issue #10: `get:latest` answers from a per-process cache, null after a
 * server restart; the directory's REST `lastTemperature` is then what the
 * supervisor sees. Units that never reported are listed, with no data. The
 * whole-degree limits setting applies at once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Directory } from '../../../lib/model';
import type { Snapshot } from '../../../lib/messages';
import type { RunningServer } from '../../../server/app';
import {
  UNIT,
  cleanup,
  command,
  resetBrowser,
  signIn,
  startBackground,
  startServer,
  stopBackgrounds,
  until,
} from './harness';

describe('the directory as the fallback of get:latest', () => {
  let server: RunningServer;

  beforeEach(async () => {
    resetBrowser();
    server = await startServer({ neverReportedUnits: 1 });
  });

  afterEach(async () => {
    stopBackgrounds();
    await cleanup();
  });

  it("shows a unit's REST last reading when get:latest answers null (after a server restart)", async () => {
    // Newer than the reading each unit got when the server started.
    const at = new Date(Date.now() + 1).toISOString();
    server.control.injectReadings({
      unitId: UNIT,
      readings: [{ id: 'before-restart', temperature: 3.45, timestamp: at }],
    });
    // The process restarted: its cache is empty, the database still has the reading.
    server.control.forgetLatestCache();
    const background = await startBackground();
    await signIn(server);
    await until(() => background.app.state().connection.status === 'live', 'live');
    await until(() => background.app.state().directory !== null, 'directory');

    const latest = background.app.state().units.get(UNIT)?.latest;
    expect(latest).toMatchObject({ temperature: 3.45, at: Date.parse(at) });
    // It came from REST (the derived id), not from get:latest.
    expect(latest?.id).toBe(`${UNIT}@${Date.parse(at)}`);

    const snapshot = await command<Snapshot>({ type: 'snapshot' });
    expect(snapshot?.ok && snapshot.data.units[UNIT]?.latest?.temperature).toBe(3.45);
    const entry = (id: string) =>
      snapshot?.ok ? snapshot.data.view.entries.find((e) => e.unitId === id) : undefined;
    expect(entry(UNIT)?.condition).toBe('ok');
    // The spare fridge never reported: listed, without data.
    expect(entry('unit-nw-1-spare-1')?.condition).toBe('no-data');
    expect(background.app.state().units.get('unit-nw-1-spare-1')?.latest ?? null).toBeNull();

    // A live reading, newer, replaces it.
    server.control.injectReadings({ unitId: UNIT, readings: [{ id: 'live', temperature: 4.1 }] });
    await until(
      () => background.app.state().units.get(UNIT)?.latest?.id === 'live',
      'live reading',
    );
  });

  it('reads the limits as whole degrees once the setting is on, for this server only', async () => {
    const background = await startBackground();
    await signIn(server);
    await until(() => background.app.state().directory !== null, 'directory');
    const limits = () => {
      const unit = background.app.state().directory?.units.find((u) => u.id === UNIT);
      return [unit?.tempMin, unit?.tempMax];
    };
    expect(limits()).toEqual([2, 5]);
    const on = await command<Directory>({ type: 'set-whole-degree-limits', enabled: true });
    expect(on?.ok && on.data.wholeDegreeLimits).toBe(true);
    expect(limits()).toEqual([20, 50]);
    const off = await command<Directory>({ type: 'set-whole-degree-limits', enabled: false });
    expect(off?.ok && off.data.wholeDegreeLimits).toBe(false);
    expect(limits()).toEqual([2, 5]);
  });
});
