/**
 * A unit's reading history in a compact form (issue #5: 5,000 units × 100
 * readings held as `Reading` objects cost 54 MiB of worker heap, ~109 bytes a
 * reading; the budget is 30 MB).
 *
 * A packed history is a window onto one `ArrayBuffer` per unit: fixed 21-byte
 * records, oldest first (sensor time float64, temperature and humidity as
 * integer thousandths int32, battery and signal strength int16, id length
 * uint8), then the ids. No object per reading (~40 bytes each instead of
 * ~109) and nothing for the GC to trace.
 *
 * The ids were half of those bytes (#14, row 5), so a buffer keeps them in
 * one of two forms, chosen when it is made: UUIDs in canonical lower-case
 * form as their 16 bytes (36 characters), or else as Latin-1 bytes after a
 * prefix the buffer's ids share, kept once as a string (the reference
 * server's `rd-<boot>-<sequence>` keeps its sequence only). The prefix ends at
 * a separator, so that a counter rolling over does not change it. An id that
 * does not fit the buffer's form moves the window to a new buffer.
 *
 * The encoding is lossless or not used: a reading whose values do not come
 * back exactly (more than three decimals, -0, a fractional battery, an id
 * outside Latin-1 or longer than 255…) keeps that unit's history a plain
 * `Reading[]` while the reading is in its window. Pages receive the same
 * readings either way.
 *
 * Immutability: a history never changes once returned. Allocating a buffer
 * per reading costs ~1 µs (more than the rest of the reducer's work for it),
 * so a buffer has spare room and appending writes past the end of the newest
 * window only: no existing history covers those bytes, so none changes. The
 * store's `usedRecords`/`usedIdBytes` say how far it is written; appending to
 * a window that does not end there (an older state reduced again) copies, as
 * does a full buffer (once every `SPARE_RECORDS` readings).
 */
import type { Reading } from '../model';

/** The buffer a unit's packed histories share; written only past `used*`. */
export interface HistoryStore {
  readonly buffer: ArrayBuffer;
  readonly view: DataView;
  readonly bytes: Uint8Array;
  /** Record capacity; id bytes start at `capacity * RECORD_BYTES`. */
  readonly capacity: number;
  /** How the ids are held: every one a canonical UUID in 16 bytes, or what follows `prefix`. */
  readonly ids: IdForm;
  usedRecords: number;
  usedIdBytes: number;
}

export interface PackedHistory {
  readonly kind: 'packed';
  readonly unitId: string;
  readonly store: HistoryStore;
  /** First record of the window and how many. */
  readonly start: number;
  readonly length: number;
  /** The window's id bytes, from the start of the store's id area. */
  readonly idStart: number;
  readonly idBytes: number;
  /** Sensor time of the newest entry (the hot path compares against it). */
  readonly lastAt: number;
}

export interface PlainHistory {
  readonly kind: 'plain';
  readonly readings: readonly Reading[];
}

/** Last readings of a unit, sorted by sensor time, unique by id. */
export type ReadingHistory = PackedHistory | PlainHistory;

/** How a buffer holds its ids. */
export type IdForm = { kind: 'uuid' } | { kind: 'suffix'; prefix: string };

export const EMPTY_HISTORY: ReadingHistory = { kind: 'plain', readings: [] };

/** Temperatures and humidities are stored as integer thousandths. */
const SCALE = 1000;
const NULL_I32 = -0x80000000;
const NULL_I16 = -0x8000;
const MAX_ID_LENGTH = 0xff;
const UUID_BYTES = 16;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** at f64 @0, temperature i32 @8, humidity i32 @12, battery i16 @16, signal i16 @18, id length u8 @20. */
const RECORD_BYTES = 21;
/**
 * Room for this many more readings in a new buffer: a copy every 12 appends
 * (≤ 100 records, one memcpy) against ~6% of memory on average.
 */
const SPARE_RECORDS = 12;

/** Number of readings held. */
export function historyLength(history: ReadingHistory): number {
  return history.kind === 'packed' ? history.length : history.readings.length;
}

/** Sensor time of the newest reading, or null when empty. */
export function historyLastAt(history: ReadingHistory): number | null {
  if (history.kind === 'packed') return history.lastAt;
  return history.readings[history.readings.length - 1]?.at ?? null;
}

/**
 * The readings as the pages receive them, oldest first: the last `limit`
 * (all by default). Packed histories build new objects on each call, so this
 * belongs at the edges (snapshot, backfill, a held unit) and off the hot path.
 */
export function historyReadings(history: ReadingHistory, limit = Infinity): Reading[] {
  if (history.kind === 'plain') {
    return limit >= history.readings.length
      ? history.readings.slice()
      : history.readings.slice(-limit);
  }
  const out: Reading[] = [];
  const skip = Math.max(0, history.length - limit);
  forEachEntry(history, (i, idOffset, idLength) => {
    if (i >= skip) out.push(readEntry(history, i, idOffset, idLength));
  });
  return out;
}

/** A unit's readings, oldest first; none for an unknown unit (tests and the edges). */
export function unitHistory(unit: { history: ReadingHistory } | undefined): Reading[] {
  return unit === undefined ? [] : historyReadings(unit.history);
}

/** Ids of the readings held (for deduplication, off the hot path). */
export function historyIds(history: ReadingHistory): string[] {
  if (history.kind === 'plain') return history.readings.map((r) => r.id);
  const out: string[] = [];
  forEachEntry(history, (_, idOffset, idLength) => {
    out.push(readId(history.store, idOffset, idLength));
  });
  return out;
}

/** Packs `readings` (sorted, unique, within the limit) when all fit exactly, else keeps them. */
export function historyFrom(unitId: string, readings: readonly Reading[]): ReadingHistory {
  const last = readings[readings.length - 1];
  if (last === undefined) return EMPTY_HISTORY;
  const ids = valuesFit(unitId, readings) ? idFormFor(readings) : null;
  const idBytes = ids === null ? -1 : idBytesIn(ids, readings);
  if (ids === null || idBytes < 0) return { kind: 'plain', readings };
  const store = createStore(readings.length, idBytes, ids);
  writeEntries(store, readings);
  return {
    kind: 'packed',
    unitId,
    store,
    start: 0,
    length: readings.length,
    idStart: 0,
    idBytes,
    lastAt: last.at,
  };
}

/**
 * `history` without its `drop` oldest entries, then `fresh` (sorted, non-empty,
 * each at or after the newest kept entry, `drop` ≤ the history's length): the
 * hot path.
 */
export function historyAppend(
  history: ReadingHistory,
  unitId: string,
  drop: number,
  fresh: readonly Reading[],
): ReadingHistory {
  const last = fresh[fresh.length - 1];
  if (last === undefined) return history;
  const freshBytes =
    history.kind === 'packed' && valuesFit(unitId, fresh)
      ? idBytesIn(history.store.ids, fresh)
      : -1;
  if (history.kind === 'plain' || freshBytes < 0) {
    return historyFrom(unitId, historyReadings(history).slice(drop).concat(fresh));
  }
  const old = history.store;
  let droppedBytes = 0;
  for (let i = 0; i < drop; i += 1) {
    droppedBytes += old.view.getUint8((history.start + i) * RECORD_BYTES + 20);
  }
  const keep = history.length - drop;
  const keptBytes = history.idBytes - droppedBytes;
  const end = history.start + history.length;
  const idEnd = history.idStart + history.idBytes;
  if (
    old.usedRecords === end &&
    old.usedIdBytes === idEnd &&
    end + fresh.length <= old.capacity &&
    idEnd + freshBytes <= old.buffer.byteLength - old.capacity * RECORD_BYTES
  ) {
    // Nothing has been written past this window: append in place.
    writeEntries(old, fresh);
    return {
      kind: 'packed',
      unitId,
      store: old,
      start: history.start + drop,
      length: keep + fresh.length,
      idStart: history.idStart + droppedBytes,
      idBytes: keptBytes + freshBytes,
      lastAt: last.at,
    };
  }
  const store = createStore(keep + fresh.length, keptBytes + freshBytes, old.ids);
  const oldIds = old.capacity * RECORD_BYTES;
  store.bytes.set(old.bytes.subarray((history.start + drop) * RECORD_BYTES, end * RECORD_BYTES), 0);
  store.bytes.set(
    old.bytes.subarray(oldIds + history.idStart + droppedBytes, oldIds + idEnd),
    store.capacity * RECORD_BYTES,
  );
  store.usedRecords = keep;
  store.usedIdBytes = keptBytes;
  writeEntries(store, fresh);
  return {
    kind: 'packed',
    unitId,
    store,
    start: 0,
    length: keep + fresh.length,
    idStart: 0,
    idBytes: keptBytes + freshBytes,
    lastAt: last.at,
  };
}

// ---------------------------------------------------------------------------

function createStore(records: number, idBytes: number, ids: IdForm): HistoryStore {
  const capacity = records + SPARE_RECORDS;
  // Spare id room in proportion to the ids held (they are usually of one length).
  const idCapacity = idBytes + Math.ceil((idBytes / records) * SPARE_RECORDS);
  const buffer = new ArrayBuffer(capacity * RECORD_BYTES + idCapacity);
  return {
    buffer,
    view: new DataView(buffer),
    bytes: new Uint8Array(buffer),
    capacity,
    ids,
    usedRecords: 0,
    usedIdBytes: 0,
  };
}

/** Appends at the store's used end. */
function writeEntries(store: HistoryStore, readings: readonly Reading[]): void {
  const { view } = store;
  let idOffset = store.capacity * RECORD_BYTES + store.usedIdBytes;
  let record = store.usedRecords * RECORD_BYTES;
  for (const r of readings) {
    view.setFloat64(record, r.at);
    view.setInt32(record + 8, Math.round(r.temperature * SCALE));
    view.setInt32(record + 12, r.humidity === null ? NULL_I32 : Math.round(r.humidity * SCALE));
    view.setInt16(record + 16, r.battery === null ? NULL_I16 : r.battery);
    view.setInt16(record + 18, r.signalStrength === null ? NULL_I16 : r.signalStrength);
    idOffset += writeId(store, r.id, record, idOffset);
    record += RECORD_BYTES;
  }
  store.usedRecords += readings.length;
  store.usedIdBytes = idOffset - store.capacity * RECORD_BYTES;
}

/** Calls `fn` for each entry with its index and where its id is. */
function forEachEntry(
  history: PackedHistory,
  fn: (i: number, idOffset: number, idLength: number) => void,
): void {
  const { store } = history;
  let idOffset = store.capacity * RECORD_BYTES + history.idStart;
  for (let i = 0; i < history.length; i += 1) {
    const idLength = store.view.getUint8((history.start + i) * RECORD_BYTES + 20);
    fn(i, idOffset, idLength);
    idOffset += idLength;
  }
}

function readEntry(history: PackedHistory, i: number, idOffset: number, idLength: number): Reading {
  const { view } = history.store;
  const record = (history.start + i) * RECORD_BYTES;
  const humidity = view.getInt32(record + 12);
  const battery = view.getInt16(record + 16);
  const signal = view.getInt16(record + 18);
  return {
    id: readId(history.store, idOffset, idLength),
    unitId: history.unitId,
    temperature: view.getInt32(record + 8) / SCALE,
    humidity: humidity === NULL_I32 ? null : humidity / SCALE,
    battery: battery === NULL_I16 ? null : battery,
    signalStrength: signal === NULL_I16 ? null : signal,
    at: view.getFloat64(record),
  };
}

/** Writes the id's bytes at `idOffset` and their count in the record; returns the count. */
function writeId(store: HistoryStore, id: string, record: number, idOffset: number): number {
  const { view, bytes, ids } = store;
  if (ids.kind === 'uuid') {
    for (let b = 0, c = 0; b < UUID_BYTES; b += 1, c += 2) {
      if (c === 8 || c === 13 || c === 18 || c === 23) c += 1; // the dashes
      bytes[idOffset + b] = (hexDigit(id.charCodeAt(c)) << 4) | hexDigit(id.charCodeAt(c + 1));
    }
    view.setUint8(record + 20, UUID_BYTES);
    return UUID_BYTES;
  }
  const from = ids.prefix.length;
  for (let c = from; c < id.length; c += 1) bytes[idOffset + c - from] = id.charCodeAt(c);
  view.setUint8(record + 20, id.length - from);
  return id.length - from;
}

/** The value of a lower-case hex digit's char code (the UUID pattern has checked it). */
function hexDigit(code: number): number {
  return code <= 0x39 ? code - 0x30 : code - 0x57;
}

/** Reused by `readId` (ids are at most `MAX_ID_LENGTH` characters). */
const idCodes: number[] = [];
/** `HEX[b]`: the byte as two lower-case hex digits. */
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

function readId(store: HistoryStore, offset: number, length: number): string {
  const { bytes, ids } = store;
  if (ids.kind === 'uuid') {
    let id = '';
    for (let b = 0; b < UUID_BYTES; b += 1) {
      if (b === 4 || b === 6 || b === 8 || b === 10) id += '-';
      id += HEX[bytes[offset + b] as number] as string;
    }
    return id;
  }
  // Not `String.fromCharCode(...subarray)`: spreading a typed array goes
  // through its iterator, about 4 times slower, and the dedupe of a late or
  // repeated batch reads every id of the unit's history (#14).
  idCodes.length = length;
  for (let c = 0; c < length; c += 1) idCodes[c] = bytes[offset + c] as number;
  return ids.prefix + String.fromCharCode.apply(null, idCodes);
}

/** True when every reading is the unit's and its values come back exactly. */
function valuesFit(unitId: string, readings: readonly Reading[]): boolean {
  for (const r of readings) {
    if (
      r.unitId !== unitId ||
      !fitsThousandths(r.temperature) ||
      (r.humidity !== null && !fitsThousandths(r.humidity)) ||
      (r.battery !== null && !fitsInt16(r.battery)) ||
      (r.signalStrength !== null && !fitsInt16(r.signalStrength))
    ) {
      return false;
    }
  }
  return true;
}

/**
 * The form a new buffer for these readings keeps its ids in: UUIDs when all
 * are, else the prefix they share, cut back to its last separator (a
 * character other than a letter or digit).
 */
function idFormFor(readings: readonly Reading[]): IdForm {
  if (readings.every((r) => UUID.test(r.id))) return { kind: 'uuid' };
  let prefix = (readings[0] as Reading).id;
  for (const r of readings) {
    let n = 0;
    const most = Math.min(prefix.length, r.id.length);
    while (n < most && prefix.charCodeAt(n) === r.id.charCodeAt(n)) n += 1;
    prefix = prefix.slice(0, n);
  }
  let end = prefix.length;
  while (end > 0 && /[0-9A-Za-z]/.test(prefix.charAt(end - 1))) end -= 1;
  return { kind: 'suffix', prefix: prefix.slice(0, end) };
}

/** Id bytes the readings take in a buffer of this form, or -1 when one does not fit it. */
function idBytesIn(ids: IdForm, readings: readonly Reading[]): number {
  if (ids.kind === 'uuid') {
    for (const r of readings) if (!UUID.test(r.id)) return -1;
    return readings.length * UUID_BYTES;
  }
  let bytes = 0;
  for (const r of readings) {
    if (!r.id.startsWith(ids.prefix) || !isShortLatin1(r.id)) return -1;
    bytes += r.id.length - ids.prefix.length;
  }
  return bytes;
}

/** True when `value` comes back unchanged (sign of zero included) from int32 thousandths. */
function fitsThousandths(value: number): boolean {
  const n = Math.round(value * SCALE);
  return n > NULL_I32 && n <= 0x7fffffff && Object.is((n | 0) / SCALE, value);
}

function fitsInt16(value: number): boolean {
  return Number.isInteger(value) && value > NULL_I16 && value <= 0x7fff && !Object.is(value, -0);
}

function isShortLatin1(id: string): boolean {
  if (id.length > MAX_ID_LENGTH) return false;
  for (let c = 0; c < id.length; c += 1) if (id.charCodeAt(c) > 0xff) return false;
  return true;
}
