// Gives the built page a Content-Security-Policy that allows only its own files, WebAssembly, and
// the page's inline scripts and styles (by their SHA-256: the loader, and the stylesheet that
// scripts/first-paint.mjs inlines), nothing else. Run by scripts/post-build.mjs.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Adds the policy to `dir/index.html`. */
export async function addContentSecurityPolicy(dir) {
  const file = join(dir, 'index.html');
  const html = await readFile(file, 'utf8');
  const hash = ([, body]) => `'sha256-${createHash('sha256').update(body).digest('base64')}'`;
  const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(hash);
  const styles = [...html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].map(hash);
  const policy = [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`.trim(),
    `style-src 'self' ${styles.join(' ')}`.trim(),
    "img-src 'self' data:",
    "connect-src 'self' ws: wss:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
  const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}">`;
  // Right after the charset (a minified page has no <head> tag: it is optional in HTML).
  const charset = html.match(/<meta charset=[^>]*>/i);
  if (!charset) {
    throw new Error('csp.mjs: no <meta charset> in index.html');
  }
  const at = charset.index + charset[0].length;
  await writeFile(file, html.slice(0, at) + meta + html.slice(at));
}
