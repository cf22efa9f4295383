import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closure, importsOf } from '../../bench/measure-size';

describe('bench size: what an entry loads', () => {
  it('finds static and dynamic imports with a literal specifier', () => {
    const code = [
      'import{a as b}from"./chunks/state.js";',
      'import"./side.js";',
      'const m=()=>import("./chunks/react-dom.js");',
      "x.then(()=>import ( './lazy.js' ));",
      'const t=import(`./tpl.js`);',
      'const dyn=import(name);', // not a literal: nothing to count
      'obj.import("./not-an-import.js");',
    ].join('');
    expect(importsOf(code)).toEqual([
      './chunks/state.js',
      './side.js',
      './chunks/react-dom.js',
      './lazy.js',
      './tpl.js',
    ]);
  });

  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('follows dynamic imports through chunks, each file once', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bench-size-'));
    await mkdir(path.join(dir, 'chunks'));
    await writeFile(
      path.join(dir, 'chunks/popup.js'),
      'import{s}from"./state.js";import("./ui.js")',
    );
    await writeFile(path.join(dir, 'chunks/state.js'), 'export const s=1;');
    await writeFile(
      path.join(dir, 'chunks/ui.js'),
      'import{s}from"./state.js";import("/chunks/more.js")',
    );
    await writeFile(path.join(dir, 'chunks/more.js'), 'export {}');
    expect((await closure(dir, 'chunks/popup.js')).sort()).toEqual([
      'chunks/more.js',
      'chunks/popup.js',
      'chunks/state.js',
      'chunks/ui.js',
    ]);
    // What loads eagerly, without the lazy chunks (the note's "of which … through import()").
    expect((await closure(dir, 'chunks/popup.js', { dynamic: false })).sort()).toEqual([
      'chunks/popup.js',
      'chunks/state.js',
    ]);
  });
});
