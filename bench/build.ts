/**
 * Builds what the bench runs: the extension into `.output-bench` (its own
 * folder, so parallel builds of other engineers do not clash) with hidden
 * source maps (the shipped code is byte-identical; the maps sit beside it
 * unreferenced, and let the size breakdown and CPU profiles name sources),
 * and the baseline page into `bench/out/baseline`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OUT_DIR = path.join(ROOT, '.output-bench');
export const EXTENSION_DIR = path.join(OUT_DIR, 'chrome-mv3');
export const BASELINE_SRC = path.join(ROOT, 'bench', 'baseline');
export const BASELINE_OUT = path.join(ROOT, 'bench', 'out', 'baseline');

export async function buildExtension(): Promise<void> {
  process.env.FROSTLINE_OUT_DIR = OUT_DIR;
  const { build } = await import('wxt');
  // WXT's build summary goes to stderr, so stdout carries only the bench table.
  const toStderr = (...args: unknown[]) => process.stderr.write(`${args.map(String).join(' ')}\n`);
  await build({
    root: ROOT,
    outDir: OUT_DIR,
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
