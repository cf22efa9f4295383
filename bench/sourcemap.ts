/**
 * A minimal source-map v3 reader (VLQ mappings), enough to attribute each
 * byte of a minified bundle to its original file, and a profiler frame
 * (line, column) to a source position. Written for the bench; no dependency.
 */
import { readFile } from 'node:fs/promises';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

export interface Segment {
  /** Generated column (0-based). */
  col: number;
  /** Index into `sources`, or -1 for unmapped. */
  source: number;
  line: number;
  column: number;
}

export interface SourceMap {
  sources: string[];
  /** Per generated line, segments sorted by generated column. */
  lines: Segment[][];
}

function decodeVlq(text: string, pos: { i: number }): number {
  let result = 0;
  let shift = 0;
  for (;;) {
    const digit = B64_INDEX.get(text[pos.i++] as string);
    if (digit === undefined) throw new Error('bad VLQ');
    result += (digit & 31) << shift;
    if ((digit & 32) === 0) break;
    shift += 5;
  }
  return result & 1 ? -(result >>> 1) : result >>> 1;
}

export function parseSourceMap(json: { sources: string[]; mappings: string }): SourceMap {
  const lines: Segment[][] = [];
  let source = 0;
  let line = 0;
  let column = 0;
  for (const lineText of json.mappings.split(';')) {
    const segments: Segment[] = [];
    let col = 0;
    if (lineText.length > 0) {
      for (const seg of lineText.split(',')) {
        const pos = { i: 0 };
        col += decodeVlq(seg, pos);
        if (pos.i < seg.length) {
          source += decodeVlq(seg, pos);
          line += decodeVlq(seg, pos);
          column += decodeVlq(seg, pos);
          segments.push({ col, source, line, column });
        } else {
          segments.push({ col, source: -1, line: 0, column: 0 });
        }
      }
    }
    lines.push(segments);
  }
  return { sources: json.sources, lines };
}

export async function loadSourceMap(file: string): Promise<SourceMap | null> {
  try {
    return parseSourceMap(JSON.parse(await readFile(file, 'utf8')));
  } catch {
    return null;
  }
}

/** The original position of generated (line, column), both 0-based. */
export function lookup(map: SourceMap, line: number, col: number): Segment | undefined {
  const segments = map.lines[line];
  if (!segments || segments.length === 0) return undefined;
  let lo = 0;
  let hi = segments.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((segments[mid] as Segment).col <= col) lo = mid;
    else hi = mid - 1;
  }
  const seg = segments[lo] as Segment;
  return seg.col <= col ? seg : undefined;
}

/**
 * Bytes of `code` per original source (UTF-8 length of each mapped span;
 * unmapped spans go to '(unmapped)').
 */
export function bytesBySource(code: string, map: SourceMap): Map<string, number> {
  const out = new Map<string, number>();
  const add = (key: string, text: string) =>
    out.set(key, (out.get(key) ?? 0) + Buffer.byteLength(text, 'utf8'));
  const codeLines = code.split('\n');
  codeLines.forEach((text, lineIndex) => {
    const segments = map.lines[lineIndex] ?? [];
    if (segments.length === 0) {
      add('(unmapped)', text + '\n');
      return;
    }
    const first = segments[0] as Segment;
    if (first.col > 0) add('(unmapped)', text.slice(0, first.col));
    segments.forEach((seg, i) => {
      const end = (segments[i + 1] as Segment | undefined)?.col ?? text.length;
      const key = seg.source >= 0 ? (map.sources[seg.source] ?? '(unknown)') : '(unmapped)';
      add(key, text.slice(seg.col, end));
    });
    add('(unmapped)', '\n');
  });
  return out;
}

/** `node_modules/@scope/pkg/...` -> `@scope/pkg`; project files -> their top folder. */
export function ownerOf(source: string): string {
  const nm = source.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = source.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? source);
  }
  if (source.startsWith('(')) return source;
  const clean = source.replace(/^(\.\.\/)+/, '').replace(/^\/?work\/main\//, '');
  const parts = clean.split('/');
  return parts.length > 1 ? `${parts[0]}/${parts.length > 2 ? parts[1] + '/' : ''}` : clean;
}

/**
 * A frame resolver over the built extension's hidden maps: a URL ending in
 * `/background.js` or `/chunks/x.js` is looked up in `<dir>/<path>.map`.
 */
export async function extensionFrameResolver(
  extensionDir: string,
): Promise<(url: string, line: number, column: number) => string | undefined> {
  const cache = new Map<string, SourceMap | null>();
  const { readdir } = await import('node:fs/promises');
  const files = [
    'background.js',
    ...(await readdir(`${extensionDir}/chunks`)).map((f) => `chunks/${f}`),
  ];
  for (const f of files.filter((f) => f.endsWith('.js'))) {
    cache.set(f, await loadSourceMap(`${extensionDir}/${f}.map`));
  }
  return (url, line, column) => {
    const rel = url.replace(/^chrome-extension:\/\/[^/]+\//, '');
    const map = cache.get(rel);
    if (!map) return undefined;
    const seg = lookup(map, line, column);
    if (!seg || seg.source < 0) return undefined;
    const src = (map.sources[seg.source] ?? '?')
      .replace(/^(\.\.\/)+/, '')
      .replace(/^.*node_modules\//, '');
    return `${src}:${seg.line + 1}`;
  };
}
