/**
 * Row 6, size: what Chrome loads for the background (background.js and the
 * chunks it imports, statically or through `import()`) and for the popup
 * (popup.html's script, its modulepreloads, styles and every chunk they
 * import, dynamic imports included), minified as built, and gzipped (zlib level 9).
 * Each JS file is broken down by original source through its hidden source
 * map and grouped by package (node_modules) or project folder.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { bytesBySource, loadSourceMap, ownerOf } from './sourcemap';

export interface BundleSize {
  files: string[];
  minBytes: number;
  gzipBytes: number;
  /** JS only (the target's subject); CSS is in `minBytes`. */
  jsBytes: number;
  /** Of `jsBytes`, the files reached only through `import()` (loaded when first needed). */
  lazyJsBytes: number;
  /** Minified bytes by package / project folder, largest first. */
  breakdown: { owner: string; bytes: number }[];
  /** Largest original source files (project files and package files). */
  topSources: { source: string; bytes: number }[];
}

export interface SizeResult {
  background: BundleSize;
  popup: BundleSize;
}

/**
 * Every module `code` imports: static `import … from "./x.js"` / `import "./x.js"`,
 * and dynamic `import("./x.js")` with a literal specifier (issue #14: a chunk
 * the popup loads lazily is still code the popup loads, so it counts).
 */
export const importsOf = (code: string, { dynamic = true } = {}): string[] => [
  ...[...code.matchAll(/(?:^|[;}\s])import\s*(?:[^'"`;(]*?from\s*)?["']([^"']+)["']/g)].map(
    (m) => m[1] as string,
  ),
  ...(dynamic
    ? [...code.matchAll(/(?<![\w$.])import\s*\(\s*(["'`])([^"'`]+)\1\s*\)/g)].map(
        (m) => m[2] as string,
      )
    : []),
];

/** The entry and every file reachable from it through `importsOf`. */
export async function closure(
  dir: string,
  entry: string,
  { dynamic = true }: { dynamic?: boolean } = {},
): Promise<string[]> {
  const seen = new Set<string>();
  const visit = async (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = await readFile(path.join(dir, file), 'utf8');
    for (const spec of importsOf(code, { dynamic })) {
      if (!spec.startsWith('.') && !spec.startsWith('/')) continue;
      const target = spec.startsWith('/')
        ? spec.slice(1)
        : path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      await visit(target);
    }
  };
  await visit(entry);
  return [...seen];
}

async function measure(dir: string, files: string[], eager: Set<string>): Promise<BundleSize> {
  let minBytes = 0;
  let jsBytes = 0;
  let lazyJsBytes = 0;
  const all: Buffer[] = [];
  const owners = new Map<string, number>();
  const sources = new Map<string, number>();
  for (const file of files) {
    const buf = await readFile(path.join(dir, file));
    minBytes += buf.length;
    all.push(buf);
    if (!file.endsWith('.js')) {
      owners.set('(css)', (owners.get('(css)') ?? 0) + buf.length);
      continue;
    }
    jsBytes += buf.length;
    if (!eager.has(file)) lazyJsBytes += buf.length;
    const map = await loadSourceMap(path.join(dir, `${file}.map`));
    if (!map) {
      owners.set(file, (owners.get(file) ?? 0) + buf.length);
      continue;
    }
    for (const [source, bytes] of bytesBySource(buf.toString('utf8'), map)) {
      const owner = ownerOf(source);
      owners.set(owner, (owners.get(owner) ?? 0) + bytes);
      const short = source.replace(/^(\.\.\/)+/, '').replace(/^.*node_modules\//, '');
      sources.set(short, (sources.get(short) ?? 0) + bytes);
    }
  }
  return {
    files,
    minBytes,
    jsBytes,
    lazyJsBytes,
    // Gzip of the concatenation: what a zip of the extension roughly costs.
    gzipBytes: gzipSync(Buffer.concat(all), { level: 9 }).length,
    breakdown: [...owners.entries()]
      .map(([owner, bytes]) => ({ owner, bytes }))
      .sort((a, b) => b.bytes - a.bytes),
    topSources: [...sources.entries()]
      .map(([source, bytes]) => ({ source, bytes }))
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 12),
  };
}

export async function measureSize(extensionDir: string): Promise<SizeResult> {
  const background = await closure(extensionDir, 'background.js');
  const html = await readFile(path.join(extensionDir, 'popup.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\/?([^"]+\.(?:js|css))"/g)].map(
    (m) => m[1] as string,
  );
  const popupFiles = new Set<string>();
  const popupEager = new Set<string>();
  for (const ref of refs) {
    if (ref.endsWith('.css')) popupFiles.add(ref);
    else {
      for (const f of await closure(extensionDir, ref)) popupFiles.add(f);
      for (const f of await closure(extensionDir, ref, { dynamic: false })) popupEager.add(f);
    }
  }
  const backgroundEager = new Set(await closure(extensionDir, 'background.js', { dynamic: false }));
  return {
    background: await measure(extensionDir, background, backgroundEager),
    popup: await measure(extensionDir, [...popupFiles], popupEager),
  };
}
