// The first load, arranged so that the boot screen paints as soon as the page arrives and the
// WebAssembly follows it. Run by scripts/post-build.mjs on a release build, before the
// Content-Security-Policy (which then hashes the inline style and script written here):
//
// - the stylesheet goes inline: the boot screen no longer waits for a second request before it
//   can paint;
// - the page's WebAssembly is fetched once the boot screen has painted, instead of preloaded
//   from the head, and the loader's JavaScript is imported meanwhile. Lighthouse's simulation
//   counts every request that finished before the largest paint as needed for it, and on a fast
//   network the preloaded download often did.
// On a throttled phone profile (scripts/bench-first-load.mjs) the first paint came 0.2 s sooner
// and the lab was ready 0.1 s (3 %) later than with the preload (docs/benchmarks.md, "Lighthouse").
//
// Each step finds exactly what Trunk wrote or fails the build: a change in Trunk's output must not
// silently bring back a render-blocking stylesheet or the preload.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Rewrites `dir/index.html` as above and removes the stylesheet's own file. */
export async function arrangeFirstPaint(dir) {
  const file = join(dir, 'index.html');
  let html = await readFile(file, 'utf8');

  const sheets = [...html.matchAll(/<link\b[^>]*\brel=["']?stylesheet\b[^>]*>/g)];
  if (sheets.length !== 1) throw new Error(`first-paint.mjs: expected one stylesheet link, found ${sheets.length}`);
  const href = sheets[0][0].match(/\bhref=["']?(?:\.\/)?([^"'\s>]+)/)?.[1];
  if (!href) throw new Error('first-paint.mjs: the stylesheet link has no href');
  const css = await readFile(join(dir, href), 'utf8');
  if (/<\/style/i.test(css)) throw new Error('first-paint.mjs: the stylesheet cannot be inlined as it is');
  html = html.replace(sheets[0][0], () => `<style>${css}</style>`);
  await rm(join(dir, href));

  const preloads = [...html.matchAll(/<link\b[^>]*\brel=["']?preload\b[^>]*\btype=["']?application\/wasm\b[^>]*>/g)];
  if (preloads.length !== 1) throw new Error(`first-paint.mjs: expected one WebAssembly preload, found ${preloads.length}`);
  html = html.replace(preloads[0][0], '');

  // Trunk's loader: `import init, * as bindings from './x.js'; const wasm = await init({
  // module_or_path: './x_bg.wasm' }); window.wasmBindings = bindings; dispatchEvent(...)`.
  const scripts = [...html.matchAll(/<script type=["']?module["']?>([\s\S]*?)<\/script>/g)];
  if (scripts.length !== 1) throw new Error(`first-paint.mjs: expected one inline module script, found ${scripts.length}`);
  const loader = scripts[0][1];
  const js = loader.match(/import init, \* as bindings from '([^']+)';/)?.[1];
  const wasm = loader.match(/await init\(\{ module_or_path: '([^']+)' \}\)/)?.[1];
  if (!js || !wasm || !loader.includes('TrunkApplicationStarted')) {
    throw new Error('first-paint.mjs: the loader script is not the one Trunk writes by default');
  }
  // Once the boot screen is on the screen: the browser reports its first contentful paint when
  // the frame has been presented. Where paint timing is missing, a task queued from a frame
  // callback runs once that frame has been drawn. A hidden page paints nothing and starts at
  // once; the timer is a backstop for a browser that reports no paint. The fetch carries no
  // integrity hash (Trunk's preload did): with one, the browser would hold the whole file before
  // compiling it, where now it compiles while it downloads; it is the page's own origin.
  const started = `
const painted = new Promise((go) => {
  if (document.visibilityState !== 'visible') return go();
  if (PerformanceObserver.supportedEntryTypes?.includes('paint')) {
    new PerformanceObserver((list, observer) => {
      if (list.getEntriesByName('first-contentful-paint').length === 0) return;
      observer.disconnect();
      go();
    }).observe({ type: 'paint', buffered: true });
  } else {
    requestAnimationFrame(() => setTimeout(go, 0));
  }
  setTimeout(go, 3000);
});
const response = painted.then(() => fetch(${JSON.stringify(wasm)}));
// Its failure is reported by the loader below, which awaits it; not a second time unhandled.
response.catch(() => {});
const bindings = await import(${JSON.stringify(js)});
const wasm = await bindings.default({ module_or_path: response });
window.wasmBindings = bindings;
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
`;
  html = html.replace(scripts[0][0], () => `<script type=module>${started}</script>`);
  await writeFile(file, html);
}
