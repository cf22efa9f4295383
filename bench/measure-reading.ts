/**
 * Row 2, reading latency to screen: the server emits a readings batch → the
 * open popup's DOM shows the value (socket → worker → port patch → TanStack
 * Query → React), against a baseline page that holds its own socket and
 * renders with TanStack Query and React directly (bench/baseline). Both are
 * open in the same browser on the same server under the same simulator load;
 * every injected batch reaches both, so each sample is a side-by-side pair.
 */
import { formatTemperature } from '../lib/format';
import type { UnitRecord } from '../server/directory';
import { estimateOffset, now, sleep, type ClockOffset } from './clock';
import { openPopup } from './harness';
import { openBaselinePage, pageNow, type Lab } from './lab';
import {
  addWatch,
  installScreenObserver,
  mountedRows,
  rowLabel,
  takeHits,
  watchKey,
  type Watch,
} from './screen-observer';
import { summarize, type Summary } from './stats';

const SPACING_MS = 140;
const SETTLE_MS = 500;
/** Round trips per page clock estimate: the best of 8 bounds the offset within a fraction of a ms. */
const CLOCK_SAMPLES = 8;

export interface ReadingLatencyResult {
  samples: number;
  popup: Summary;
  baseline: Summary;
  /** Median of per-sample popup/baseline ratios, and ratio of medians. */
  ratioOfMedians: number;
  medianOfRatios: number;
  lost: { popup: number; baseline: number };
  rowsMounted: number;
  /** Where the wall time went: opening both pages, and sampling (with rows skipped as re-sorted away). */
  phases: { setupMs: number; samplingMs: number; skipped: number };
}

export async function measureReadingLatency(
  lab: Lab,
  baselineUrl: string,
  samples: number,
): Promise<ReadingLatencyResult> {
  const t0 = now();
  const popup = await openPopup(lab.session);
  await installScreenObserver(popup);
  // The popup mounts its worst-first first page of rows; measure only units it shows.
  const mounted = await mountedRows(popup);
  const byRow = new Map<string, UnitRecord>();
  for (const u of lab.units) {
    byRow.set(`${lab.siteName(u.siteId)}, ${lab.areaName(u.areaId)}|${u.name}`, u);
  }
  const shown = mounted
    .map((r) => byRow.get(`${r.group}|${r.name}`))
    .filter((u): u is UnitRecord => u !== undefined);
  // Celsius units whose range leaves room for distinct in-range values (no alerts from us).
  // Server limits are tenths of a degree (PROTOCOL.md scale table, issue #10).
  const candidates = shown.filter((u) => u.tempUnit === 'C' && u.tempMax - u.tempMin >= 30);
  if (candidates.length === 0) throw new Error('no candidate rows mounted in the popup');

  const baseline = await openBaselinePage(
    lab,
    baselineUrl,
    shown.map((u) => ({
      id: u.id,
      name: u.name,
      tempUnit: u.tempUnit,
      group: `${lab.siteName(u.siteId)}, ${lab.areaName(u.areaId)}`,
    })),
  );
  await installScreenObserver(baseline);
  await sleep(SETTLE_MS);

  const popupClock: ClockOffset = await estimateOffset(() => pageNow(popup), CLOCK_SAMPLES);
  const baselineClock: ClockOffset = await estimateOffset(() => pageNow(baseline), CLOCK_SAMPLES);

  const tSampling = now();
  let skipped = 0;
  const sent: { key: string; at: number }[] = [];
  // A value is never reused for a unit: a sample is matched to its screen hit
  // by (row, text), so a repeat would pair it with another sample's hit.
  const used = new Map<string, Set<string>>();
  for (let i = 0; sent.length < samples && i < samples * 3; i += 1) {
    const unit = candidates[i % candidates.length] as UnitRecord;
    const group = `${lab.siteName(unit.siteId)}, ${lab.areaName(unit.areaId)}`;
    const current = await rowLabel(popup, group, unit.name);
    if (current === null) {
      skipped += 1; // scrolled out of the first page by a re-sort
      continue;
    }
    const seen = used.get(unit.id) ?? new Set<string>();
    used.set(unit.id, seen);
    let value = 0;
    let text = '';
    for (let attempt = 0; attempt < 50; attempt += 1) {
      // Limits in tenths: pick a tenth at least 0.5 degree inside the range.
      const steps = unit.tempMax - unit.tempMin - 10;
      value = (unit.tempMin + 5 + Math.floor(Math.random() * steps)) / 10;
      text = formatTemperature(value, unit.tempUnit);
      if (!current.includes(text) && !seen.has(text)) break;
    }
    if (seen.has(text) || current.includes(text)) continue;
    seen.add(text);
    const watch: Watch = { group, name: unit.name, text };
    await Promise.all([addWatch(popup, watch), addWatch(baseline, watch)]);
    const at = now();
    lab.server.control.injectReadings({
      unitId: unit.id,
      readings: [{ temperature: value, timestamp: new Date().toISOString() }],
    });
    sent.push({ key: watchKey(watch), at });
    await sleep(SPACING_MS + Math.random() * 30);
  }
  await sleep(500);
  const [popupHits, baselineHits] = await Promise.all([takeHits(popup), takeHits(baseline)]);
  const popupLat: number[] = [];
  const baseLat: number[] = [];
  const ratios: number[] = [];
  let lostPopup = 0;
  let lostBaseline = 0;
  for (const s of sent) {
    const p = popupHits.get(s.key);
    const b = baselineHits.get(s.key);
    const pl = p === undefined ? Number.NaN : p - popupClock.offsetMs - s.at;
    const bl = b === undefined ? Number.NaN : b - baselineClock.offsetMs - s.at;
    if (Number.isNaN(pl)) lostPopup += 1;
    else popupLat.push(pl);
    if (Number.isNaN(bl)) lostBaseline += 1;
    else baseLat.push(bl);
    if (!Number.isNaN(pl) && !Number.isNaN(bl) && bl > 0) ratios.push(pl / bl);
  }
  await baseline.close();
  await popup.close();
  const popupSummary = summarize(popupLat);
  const baselineSummary = summarize(baseLat);
  return {
    samples: sent.length,
    popup: popupSummary,
    baseline: baselineSummary,
    ratioOfMedians: popupSummary.p50 / baselineSummary.p50,
    medianOfRatios: summarize(ratios).p50,
    lost: { popup: lostPopup, baseline: lostBaseline },
    rowsMounted: shown.length,
    phases: { setupMs: tSampling - t0, samplingMs: now() - tSampling, skipped },
  };
}
