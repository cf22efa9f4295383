/**
 * Draws the toolbar icon (a thermometer on an ice-blue tile) at 16/32/48/80/128 px
 * into public/icon/. Run once after changing the design: `tsx scripts/make-icons.ts`.
 * Pure Node (zlib) so that no image tool is needed on a fresh machine.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

type RGBA = [number, number, number, number];

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function png(size: number, pixel: (x: number, y: number) => RGBA): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y += 1) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x += 1) row.set(pixel(x, y), 1 + x * 4);
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8;
  header[9] = 6;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Coverage of a pixel by a shape, 4x4 supersampled for smooth edges. */
function coverage(x: number, y: number, inside: (u: number, v: number) => boolean): number {
  let hits = 0;
  for (let i = 0; i < 4; i += 1) {
    for (let j = 0; j < 4; j += 1) if (inside(x + (i + 0.5) / 4, y + (j + 0.5) / 4)) hits += 1;
  }
  return hits / 16;
}

function icon(size: number): Buffer {
  const s = size;
  const r = s * 0.22;
  const tile = (u: number, v: number) => {
    const cx = Math.min(Math.max(u, r), s - r);
    const cy = Math.min(Math.max(v, r), s - r);
    return (u - cx) ** 2 + (v - cy) ** 2 <= r * r;
  };
  const stemW = s * 0.16;
  const bulbR = s * 0.17;
  const cx = s / 2;
  const bulbY = s * 0.7;
  const thermo = (u: number, v: number) =>
    (Math.abs(u - cx) <= stemW / 2 && v >= s * 0.16 && v <= bulbY) ||
    (u - cx) ** 2 + (v - bulbY) ** 2 <= bulbR ** 2 ||
    (u - cx) ** 2 + (v - s * 0.16) ** 2 <= (stemW / 2) ** 2;
  const mercury = (u: number, v: number) =>
    (Math.abs(u - cx) <= stemW / 4 && v >= s * 0.42 && v <= bulbY) ||
    (u - cx) ** 2 + (v - bulbY) ** 2 <= (bulbR * 0.6) ** 2;
  return png(size, (x, y) => {
    const t = coverage(x, y, tile);
    if (t === 0) return [0, 0, 0, 0];
    const w = coverage(x, y, thermo);
    const m = coverage(x, y, mercury);
    const base: RGBA = [14, 116, 184, 255];
    const mix = (a: number, b: number, k: number) => Math.round(a * (1 - k) + b * k);
    let c: RGBA = [mix(base[0], 255, w), mix(base[1], 255, w), mix(base[2], 255, w), 255];
    c = [mix(c[0], 220, m), mix(c[1], 38, m), mix(c[2], 38, m), 255];
    return [c[0], c[1], c[2], Math.round(255 * t)];
  });
}

mkdirSync('public/icon', { recursive: true });
// 80: the notification's icon, Chrome's size for it (lib/notification-icon.ts).
for (const size of [16, 32, 48, 80, 128]) writeFileSync(`public/icon/${size}.png`, icon(size));
console.info('wrote public/icon/{16,32,48,80,128}.png');
