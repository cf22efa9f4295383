/**
 * Least privilege, checked on what ships (issue #6): the Chrome and Firefox
 * builds are made here, into a folder of their own, from the current source,
 * so the test never reads a stale build and needs none made before it.
 *
 * - permissions exactly `storage`, `alarms`, `notifications`, and in Chrome
 *   `offscreen` (alert sounds, issue #13); host access exactly loopback (any
 *   other backend is asked for at runtime);
 * - no content scripts, no `externally_connectable`, no web-accessible resources;
 * - no remote code: no http(s) script in the pages, no eval / new Function /
 *   importScripts / remote import in the bundles;
 * - CSP absent (the browser default) or at least as strict as the default;
 * - the Firefox build passes `web-ext lint` with no errors, states a CSP
 *   without `upgrade-insecure-requests` and has a persistent background.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { WATCHDOG_PERIOD_MIN } from '../../lib/lifecycle';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const OUT = path.join(ROOT, '.output-manifest-test');
const BIN = path.join(ROOT, 'node_modules/.bin');

type Manifest = Record<string, unknown> & {
  manifest_version: number;
  permissions?: string[];
  host_permissions?: string[];
  optional_permissions?: string[];
  optional_host_permissions?: string[];
  content_security_policy?: string | { extension_pages?: string };
};

const LOOPBACK = ['http://127.0.0.1/*', 'http://localhost/*'];
const API_PERMISSIONS = ['storage', 'alarms', 'notifications'];
/** Chrome only: the offscreen document that plays alert sounds (issue #13). */
const CHROME_PERMISSIONS = [...API_PERMISSIONS, 'offscreen'];

let chromeDir = '';
let firefoxDir = '';

async function build(args: string[]): Promise<void> {
  await run(path.join(BIN, 'wxt'), ['build', ...args], {
    cwd: ROOT,
    env: { ...process.env, FROSTLINE_OUT_DIR: OUT },
    maxBuffer: 16 * 1024 * 1024,
  });
}

async function manifestOf(dir: string): Promise<Manifest> {
  return JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
}

async function filesOf(dir: string, ext: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(ext))
    .map((e) => path.join(e.parentPath, e.name));
}

beforeAll(async () => {
  await rm(OUT, { recursive: true, force: true });
  await build([]);
  // Whatever WXT makes for Firefox (MV2 by default, MV3 with `manifestVersion: 3`).
  await build(['-b', 'firefox']);
  const dirs = await readdir(OUT);
  chromeDir = path.join(OUT, 'chrome-mv3');
  const firefox = dirs.find((d) => d.startsWith('firefox-mv'));
  if (firefox === undefined || !existsSync(chromeDir)) {
    throw new Error(`builds missing in ${OUT}: ${dirs.join(', ')}`);
  }
  firefoxDir = path.join(OUT, firefox);
}, 180_000);

/** Host patterns the build grants without asking, whatever the manifest version. */
function grantedHosts(m: Manifest): string[] {
  const hosts = m.host_permissions ?? [];
  const inPermissions = (m.permissions ?? []).filter((p) => p.includes('://'));
  return [...hosts, ...inPermissions].sort();
}

function apiPermissions(m: Manifest): string[] {
  return (m.permissions ?? []).filter((p) => !p.includes('://')).sort();
}

/** Stricter than or equal to the default: only 'self' (and wasm) for scripts, no remote hosts. */
function cspIsStrict(csp: string): boolean {
  const script = /script-src([^;]*)/.exec(csp)?.[1] ?? '';
  return (
    !/unsafe-eval|unsafe-inline|https?:|\*|data:|blob:/.test(script) &&
    !/object-src[^;]*(https?:|\*)/.test(csp)
  );
}

describe.each([
  ['Chrome', () => chromeDir, CHROME_PERMISSIONS],
  ['Firefox', () => firefoxDir, API_PERMISSIONS],
])('%s build: least privilege', (_name, dir, permissions) => {
  it('asks for exactly storage, alarms, notifications (Chrome: offscreen), and loopback hosts only', async () => {
    const m = await manifestOf(dir());
    expect(apiPermissions(m)).toEqual([...permissions].sort());
    expect(grantedHosts(m)).toEqual([...LOOPBACK].sort());
  });

  it('can still ask for the backend origin at runtime (an optional https host permission)', async () => {
    // Without it, a supervisor can only ever use a server on this computer.
    const m = await manifestOf(dir());
    const optional = [...(m.optional_host_permissions ?? []), ...(m.optional_permissions ?? [])];
    expect(optional).toContain('https://*/*');
  });

  it('has no content scripts, no externally_connectable, no web-accessible resources', async () => {
    const m = await manifestOf(dir());
    expect(m).not.toHaveProperty('content_scripts');
    expect(m).not.toHaveProperty('externally_connectable');
    expect(m).not.toHaveProperty('web_accessible_resources');
  });

  it('has no CSP, or one at least as strict as the default', async () => {
    const m = await manifestOf(dir());
    const csp = m.content_security_policy;
    if (csp === undefined) return;
    const text = typeof csp === 'string' ? csp : (csp.extension_pages ?? '');
    expect(cspIsStrict(text)).toBe(true);
  });

  it('ships no remote code', async () => {
    const html = await filesOf(dir(), '.html');
    expect(html.length).toBeGreaterThan(0);
    for (const file of html) {
      const text = await readFile(file, 'utf8');
      const sources = [...text.matchAll(/<script[^>]*\bsrc\s*=\s*["']?([^"'\s>]+)/gi)].map(
        (m) => m[1] ?? '',
      );
      expect(sources.length, file).toBeGreaterThan(0);
      for (const src of sources) expect(src, file).toMatch(/^\/(?!\/)/);
    }
    const js = await filesOf(dir(), '.js');
    expect(js.length).toBeGreaterThan(0);
    for (const file of js) {
      const text = await readFile(file, 'utf8');
      expect(text, file).not.toMatch(/\beval\s*\(/);
      expect(text, file).not.toMatch(/\bnew\s+Function\s*\(/);
      expect(text, file).not.toMatch(/\bimportScripts\s*\(/);
      expect(text, file).not.toMatch(/\bimport\s*\(\s*["'`](?:https?:)?\/\//);
    }
  });
});

describe('Chrome build', () => {
  it('requires a Chrome whose alarms honour the 30 s watchdog (issue #11)', async () => {
    const m = await manifestOf(chromeDir);
    expect(m.minimum_chrome_version).toBe('120');
    // Chrome before 120 clamps alarm periods under 1 min to 1 min.
    expect(Number(m.minimum_chrome_version) >= 120 || WATCHDOG_PERIOD_MIN >= 1).toBe(true);
  });

  it('declares the managed-storage schema an administrator presets through (issue #10)', async () => {
    const m = await manifestOf(chromeDir);
    expect(m.storage).toEqual({ managed_schema: 'managed-schema.json' });
    const schema = JSON.parse(
      await readFile(path.join(chromeDir, 'managed-schema.json'), 'utf8'),
    ) as { properties: Record<string, { type: string }> };
    expect(Object.keys(schema.properties).sort()).toEqual([
      'lockConfiguration',
      'serverUrl',
      'stackApiUrl',
      'stackProjectId',
      'stackPublishableClientKey',
    ]);
  });
});

describe('Firefox build', () => {
  it('ships no offscreen document: its background page plays sounds itself (issue #13)', () => {
    expect(existsSync(path.join(firefoxDir, 'offscreen.html'))).toBe(false);
    expect(existsSync(path.join(chromeDir, 'offscreen.html'))).toBe(true);
  });

  it("states its pages' CSP, without upgrade-insecure-requests", async () => {
    // Firefox's MV3 default upgrades the socket's ws:// to a loopback backend
    // to wss://, and the background never connects (issue #12).
    const m = await manifestOf(firefoxDir);
    const csp = m.content_security_policy;
    const text = typeof csp === 'string' ? csp : (csp?.extension_pages ?? '');
    expect(text).toMatch(/script-src 'self'/);
    expect(text).not.toMatch(/upgrade-insecure-requests/);
  });

  it('runs its background as a persistent page, which Firefox never suspends', async () => {
    // Firefox suspends an idle MV3 background with its socket (issue #12, docs/firefox.md).
    const m = await manifestOf(firefoxDir);
    expect(m.manifest_version).toBe(2);
    expect(m.background).toEqual({ scripts: ['background.js'], persistent: true });
  });

  it('passes web-ext lint with no errors', async () => {
    const { stdout } = await run(
      path.join(BIN, 'web-ext'),
      ['lint', '--source-dir', firefoxDir, '--output', 'json', '--no-config-discovery'],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
    ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as {
      summary: { errors: number; warnings: number };
      errors: { code: string; message: string }[];
    };
    expect(report.errors.map((e) => `${e.code}: ${e.message}`)).toEqual([]);
    expect(report.summary.errors).toBe(0);
  }, 120_000);
});
