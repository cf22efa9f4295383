/**
 * Builds what the bench runs: the extension into `.output-bench` (its own
 * folder, so parallel builds of other engineers do not clash) with hidden
 * source maps (the shipped code is byte-identical; the maps sit beside it
 * unreferenced, and let the size breakdown and CPU profiles name sources),
 * and the baseline page into `bench/out/baseline`.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OUT_DIR = path.join(ROOT, '.output-bench');
export const EXTENSION_DIR = path.join(OUT_DIR, 'chrome-mv3');
/** The Firefox build (`wxt build -b firefox`: Manifest V2, persistent background page). */
export const FIREFOX_DIR = path.join(OUT_DIR, 'firefox-mv2');
export const BASELINE_SRC = path.join(ROOT, 'bench', 'baseline');
export const BASELINE_OUT = path.join(ROOT, 'bench', 'out', 'baseline');

/** What the extension build reads: a change to any of these makes the bench build again. */
const BUILD_INPUTS = [
  'entrypoints',
  'lib',
  'components',
  'public',
  'wxt.config.ts',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
];
const hashFile = (dir: string) => path.join(dir, '.bench-inputs-hash');
const BASELINE_INPUTS = ['bench/baseline', 'package-lock.json'];
const BASELINE_HASH_FILE = path.join(BASELINE_OUT, '.bench-inputs-hash');

async function filesUnder(entry: string): Promise<string[]> {
  const full = path.join(ROOT, entry);
  try {
    const items = await readdir(full, { withFileTypes: true, recursive: true });
    return items
      .filter((d) => d.isFile())
      .map((d) => path.relative(ROOT, path.join(d.parentPath, d.name)));
  } catch {
    return [entry]; // a file, not a folder
  }
}

/** SHA-256 over the paths and contents of every build input. */
export async function buildInputsHash(inputs: readonly string[] = BUILD_INPUTS): Promise<string> {
  const hash = createHash('sha256');
  const files = (await Promise.all(inputs.map(filesUnder))).flat().sort();
  for (const file of files) {
    hash.update(file);
    hash.update(await readFile(path.join(ROOT, file)).catch(() => Buffer.alloc(0)));
  }
  return hash.digest('hex');
}

/**
 * Builds unless the browser's folder in `.output-bench` was built from exactly
 * these inputs (same hash): the build is a fixed cost of about half a minute
 * on two cores, and an unchanged tree builds to the same bytes. Returns
 * whether it built. `inputsHash`: the hash, when the caller has it already.
 */
export async function buildExtensionIfChanged(
  browser: 'chrome' | 'firefox' = 'chrome',
  inputsHash?: string,
): Promise<{ built: boolean; hash: string }> {
  const file = hashFile(browser === 'chrome' ? EXTENSION_DIR : FIREFOX_DIR);
  const hash = inputsHash ?? (await buildInputsHash());
  const previous = await readFile(file, 'utf8').catch(() => '');
  if (previous.trim() === hash) return { built: false, hash };
  await buildExtension(browser);
  await writeFile(file, `${hash}\n`);
  return { built: true, hash };
}

export async function buildExtension(browser: 'chrome' | 'firefox' = 'chrome'): Promise<void> {
  process.env.FROSTLINE_OUT_DIR = OUT_DIR;
  const { build } = await import('wxt');
  // WXT's build summary goes to stderr, so stdout carries only the bench table.
  const toStderr = (...args: unknown[]) => process.stderr.write(`${args.map(String).join(' ')}\n`);
  await build({
    root: ROOT,
    outDir: OUT_DIR,
    browser,
    logger: {
      debug: () => {},
      log: toStderr,
      info: toStderr,
      warn: toStderr,
      error: toStderr,
      fatal: toStderr,
      success: toStderr,
      level: 3,
    },
    vite: () => ({ build: { sourcemap: 'hidden' } }),
  });
}

/** The baseline page, unless it was built from exactly these inputs. */
export async function buildBaselineIfChanged(): Promise<boolean> {
  const hash = await buildInputsHash(BASELINE_INPUTS);
  const previous = await readFile(BASELINE_HASH_FILE, 'utf8').catch(() => '');
  if (previous.trim() === hash) return false;
  await buildBaseline();
  await writeFile(BASELINE_HASH_FILE, `${hash}\n`);
  return true;
}

export async function buildBaseline(): Promise<void> {
  const { build } = await import('vite');
  await build({
    configFile: false,
    root: BASELINE_SRC,
    base: './',
    logLevel: 'error',
    mode: 'production',
    build: { outDir: BASELINE_OUT, emptyOutDir: true, sourcemap: false },
  });
}
