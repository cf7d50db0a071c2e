// Minifies the page's JavaScript modules that Trunk leaves as wasm-bindgen wrote them (the
// loader and its snippets), giving index.html their new integrity hashes, and the workers'
// scripts. Run by
// scripts/post-build.mjs on a release build, before the Content-Security-Policy and the
// service worker are written.
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { minify } from 'terser';

async function modules(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await modules(path)));
    else if (/^write-through-lab-[0-9a-f]{16}\.js$/.test(entry.name) || (path.includes(`${sep}snippets${sep}`) && entry.name.endsWith('.js'))) out.push(path);
  }
  return out;
}

/** Minifies the modules of `dir`; returns how many bytes that saved. */
export async function minifyModules(dir) {
  const indexFile = join(dir, 'index.html');
  let html = await readFile(indexFile, 'utf8');
  let saved = 0;
  for (const file of await modules(dir)) {
    const source = await readFile(file, 'utf8');
    const { code } = await minify(source, { module: true, ecma: 2020 });
    await writeFile(file, code);
    saved += source.length - code.length;
    const path = relative(dir, file).split(sep).join('/');
    const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const integrity = `sha384-${createHash('sha384').update(code).digest('base64')}`;
    const link = new RegExp(`(<link[^>]*href=["']?(?:\\./)?${escaped}["'\\s>][^>]*integrity=["']?)sha384-[A-Za-z0-9+/=]+`);
    if (link.test(html)) html = html.replace(link, `$1${integrity}`);
    else if (html.includes(path)) throw new Error(`minify.mjs: no integrity for ${path} in index.html`);
  }
  await writeFile(indexFile, html);
  // The workers' own scripts (classic scripts, copied as they are written).
  for (const name of ['redis-hub-worker.js', 'python-worker.js']) {
    const file = join(dir, name);
    const source = await readFile(file, 'utf8');
    const { code } = await minify(source, { ecma: 2020 });
    await writeFile(file, code);
    saved += source.length - code.length;
  }
  return saved;
}
