// Trunk post-build hook: gives the built page a Content-Security-Policy that allows only its own
// files, WebAssembly, and the inline scripts Trunk wrote (by their SHA-256), nothing else.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('csp.mjs: run me as a Trunk post_build hook (TRUNK_STAGING_DIR is not set)');
  process.exit(1);
}
// `trunk serve` injects its own live-reload script into the page it serves, after this hook;
// a policy would block it, so development builds go without one.
if (process.env.TRUNK_PROFILE !== 'release') {
  process.exit(0);
}
const file = join(dir, 'index.html');
const html = await readFile(file, 'utf8');
const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
  ([, body]) => `'sha256-${createHash('sha256').update(body).digest('base64')}'`,
);
const policy = [
  "default-src 'self'",
  `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`.trim(),
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');
const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}" />`;
if (!html.includes('<head>')) {
  console.error('csp.mjs: no <head> in index.html');
  process.exit(1);
}
await writeFile(file, html.replace('<head>', `<head>\n    ${meta}`));
