// Writes the service worker of a release build: `sw.js` in the build's folder, made of the
// version and the list of files to precache (every file of the build) followed by static/sw.js.
// Run by scripts/post-build.mjs (a Trunk hook), or by hand on a built folder:
//   node scripts/service-worker.mjs dist
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { minify } from 'terser';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Files loaded on first use, not at install: the interpreter's worker. */
export const LAZY = ['python_worker', 'python-worker.js'];

async function files(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await files(path)));
    else out.push(path);
  }
  return out;
}

/** Writes `dir/sw.js`; returns what it precaches: `{version, files, bytes, gzipBytes}`. */
export async function writeServiceWorker(dir) {
  const hash = createHash('sha256');
  const paths = [];
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of (await files(dir)).sort()) {
    const path = relative(dir, file).split(sep).join('/');
    if (path === 'sw.js') continue;
    const body = await readFile(file);
    hash.update(path).update('\0').update(body);
    // The Python interpreter (about 2.7 MB gzip) is not precached: it is fetched when the
    // learner first opens the editor, and then kept by the runtime cache (static/sw.js). It is
    // in the version's hash, so a new interpreter is a new version.
    if (LAZY.some((prefix) => path.startsWith(prefix))) continue;
    paths.push(path);
    bytes += body.length;
    gzipBytes += gzipSync(body, { level: 9 }).length;
  }
  const version = hash.digest('hex').slice(0, 16);
  // './' is the page itself, as it is opened (and as the manifest's start_url says).
  const precache = ['./', ...paths];
  const body = await readFile(join(root, 'static', 'sw.js'), 'utf8');
  const head = `const VERSION = ${JSON.stringify(version)};\nconst PRECACHE = ${JSON.stringify(precache)};\n`;
  const { code } = await minify(head + body, { ecma: 2020 });
  await writeFile(join(dir, 'sw.js'), code);
  return { version, files: paths.length, bytes, gzipBytes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node scripts/service-worker.mjs <built folder>');
    process.exit(2);
  }
  const made = await writeServiceWorker(dir);
  console.log(`sw.js: version ${made.version}, ${made.files} files, ${made.bytes} bytes (${made.gzipBytes} gzip)`);
}
