// Trunk's post-build hook (Trunk.toml), in order: the page's JavaScript modules are minified
// (with their integrity hashes), the stylesheet goes inline and the WebAssembly waits for the
// first paint (scripts/first-paint.mjs), the Content-Security-Policy goes into index.html, then
// the service worker is written with the hashes of the final files.
// `trunk serve` (a development build) gets neither: it injects its own live-reload script, which
// a policy would block, and a worker would keep serving the previous build.
import { addContentSecurityPolicy } from './csp.mjs';
import { arrangeFirstPaint } from './first-paint.mjs';
import { minifyModules } from './minify.mjs';
import { writeServiceWorker } from './service-worker.mjs';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('post-build.mjs: run me as a Trunk post_build hook (TRUNK_STAGING_DIR is not set)');
  process.exit(1);
}
if (process.env.TRUNK_PROFILE === 'release') {
  const saved = await minifyModules(dir);
  await arrangeFirstPaint(dir);
  await addContentSecurityPolicy(dir);
  const made = await writeServiceWorker(dir);
  console.log(`post-build: modules minified (${saved} bytes saved); stylesheet inlined, WebAssembly after the first paint; CSP added; sw.js precaches ${made.files} files, ${made.bytes} bytes (${made.gzipBytes} gzip)`);
}
