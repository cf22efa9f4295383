/**
 * The rules the pages load from `lib/state/page-rules.ts` (and the event
 * wording from `lib/event-text.ts`, the form limits from `lib/text-limits.ts`)
 * are the very functions and values the worker uses through its own modules
 * (issue #9: one truth; issue #14, row 6b: the popup loads only these small
 * modules). Same bindings, not copies.
 */
import { describe, expect, it } from 'vitest';
import * as eventLog from '../../lib/event-log';
import * as eventText from '../../lib/event-text';
import * as protocol from '../../lib/protocol';
import * as state from '../../lib/state';
import * as excursions from '../../lib/state/excursions';
import * as rules from '../../lib/state/page-rules';
import * as selectors from '../../lib/state/selectors';
import * as stateModule from '../../lib/state/state';
import * as unitView from '../../lib/state/unit-view';
import * as limits from '../../lib/text-limits';

describe('what the pages share with the worker', () => {
  it('is the same binding through every module that exports it', () => {
    const same: [unknown, unknown][] = [
      [unitView.CONDITION_RANK, rules.CONDITION_RANK],
      [unitView.CONDITION_GROUP, rules.CONDITION_GROUP],
      [unitView.readingOutOfRange, rules.readingOutOfRange],
      [unitView.summaryLine, rules.summaryLine],
      [unitView.SUMMARY_SEVERITY_WORDS, rules.SUMMARY_SEVERITY_WORDS],
      [excursions.EXCURSION_WINDOW_MS, rules.EXCURSION_WINDOW_MS],
      [excursions.excursionTotalMs, rules.excursionTotalMs],
      [excursions.openExcursionMs, rules.openExcursionMs],
      [selectors.compareAlerts, rules.compareAlerts],
      [stateModule.HISTORY_LIMIT, rules.HISTORY_LIMIT],
      [state.summaryLine, rules.summaryLine],
      [state.compareAlerts, rules.compareAlerts],
      [state.HISTORY_LIMIT, rules.HISTORY_LIMIT],
      [eventLog.eventText, eventText.eventText],
      [protocol.ACK_NOTES_MAX, limits.ACK_NOTES_MAX],
      [protocol.RESOLUTION_MAX, limits.RESOLUTION_MAX],
    ];
    for (const [worker, page] of same) expect(worker).toBe(page);
  });

  it('keeps the values the contract states', () => {
    expect(rules.HISTORY_LIMIT).toBe(100);
    expect(rules.EXCURSION_WINDOW_MS).toBe(24 * 60 * 60_000);
    expect(limits.ACK_NOTES_MAX).toBe(1000);
    expect(limits.RESOLUTION_MAX).toBe(2000);
  });
});
