// Shared by the end-to-end tests: serve the release bundle (dist/) on loopback and start
// Debian's Chromium through playwright-core, with a fresh profile that the caller removes.
import { createServer } from 'node:http';
import { before, after } from 'node:test';
import { readFile, mkdtemp, rm, mkdir } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { brotliCompressSync, gzipSync, constants as zlibConstants } from 'node:zlib';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '..', '..');
export const dist = process.env.WTL_DIST ?? join(root, 'dist');
export const screenshots = join(root, 'tests', 'e2e', 'screenshots');

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
};

/**
 * Serves dist/ (or `dir`) on 127.0.0.1 at a free port, under `prefix` (a sub-path such as
 * `/write-through-lab/`); resolves to { url, close }. With `compress`, files are sent with
 * brotli or gzip when the browser accepts it, as a static host would (`compress: 'gzip'`: gzip
 * only, as a host without brotli would).
 */
export async function serveDist({ compress = false, dir = dist, prefix = '/' } = {}) {
  const packed = new Map();
  const encode = (file, body, accepted) => {
    if (!compress) return [null, body];
    const brotli = compress !== 'gzip' && /\bbr\b/.test(accepted);
    const encoding = brotli ? 'br' : /\bgzip\b/.test(accepted) ? 'gzip' : null;
    if (!encoding) return [null, body];
    const key = `${encoding}:${file}`;
    if (!packed.has(key)) {
      packed.set(
        key,
        encoding === 'br'
          ? brotliCompressSync(body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 } })
          : gzipSync(body, { level: 9 }),
      );
    }
    return [encoding, packed.get(key)];
  };
  const server = createServer(async (req, res) => {
    const full = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (!full.startsWith(prefix)) {
      res.writeHead(404).end('not found');
      return;
    }
    const path = `/${full.slice(prefix.length)}`;
    const file = normalize(join(dir, path === '/' ? 'index.html' : path));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const [encoding, body] = encode(file, await readFile(file), req.headers['accept-encoding'] ?? '');
      res.writeHead(200, {
        'content-type': types[extname(file)] ?? 'application/octet-stream',
        ...(encoding ? { 'content-encoding': encoding, vary: 'accept-encoding' } : {}),
      });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

/** Chromium's flags here: no sandbox (root), no GPU, and none of its calls to Google's hosts. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A persistent Chromium context (IndexedDB survives reloads) in a new temporary profile. */
export async function launchBrowser() {
  const profile = await mkdtemp(join(tmpdir(), 'wtl-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: CHROMIUM_ARGS,
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * For a test file: one server and one browser for all of its tests, started before the first
 * and closed after the last. Returns an object whose `server` and `browser` are set by then.
 */
export function shareServerAndBrowser() {
  const shared = {};
  before(async () => {
    shared.server = await serveDist();
    shared.browser = await launchBrowser();
  });
  after(async () => {
    await shared.browser?.close();
    await shared.server?.close();
  });
  return shared;
}

/** Opens a page that records console errors and uncaught exceptions (a wasm panic is one). */
export async function openPage(context, url, { newPage = false } = {}) {
  const page = (!newPage && context.pages()[0]) || (await context.newPage());
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`http ${r.status()}: ${r.url()}`);
  });
  await page.goto(url);
  return { page, errors };
}

/** Opens the lab and waits until window.lab can serve calls; `reset` puts both stores back to the seed. */
export async function openLab(context, url, { reset = false, ...options } = {}) {
  const opened = await openPage(context, url, options);
  await opened.page.waitForFunction(() => typeof window.lab?.update_price === 'function');
  if (reset) await opened.page.evaluate(() => window.lab.reset());
  return opened;
}

/**
 * Forgets the lesson's and the challenges' progress and the editor's text this browser profile
 * kept, and reloads: a first visit again.
 */
export async function forgetLesson(page) {
  await page.evaluate(() => {
    localStorage.removeItem('write-through-lab.lesson');
    localStorage.removeItem('write-through-lab.python');
    localStorage.removeItem('write-through-lab.challenges');
  });
  await page.reload();
  await page.waitForFunction(() => typeof window.lab?.update_price === 'function');
}

/**
 * Saves a screenshot to look at: the whole page, or with `{ fullPage: false }` what the viewport
 * shows (a full-page capture resizes the viewport, which resets boxes that scroll).
 */
export async function screenshot(page, name, { fullPage = true } = {}) {
  await mkdir(screenshots, { recursive: true });
  const path = join(screenshots, `${name}.png`);
  // Two frames: what a scroll or a resize just moved into view is painted before the capture.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  await page.screenshot({ path, fullPage });
  return path;
}

/** For the benchmarks: the middle value of `xs` (the upper one of an even count). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * For the benchmarks: loads `url` `n` times and returns, for each load, the milliseconds from
 * navigation until the lab could serve calls with data read from IndexedDB (`window.labReadyMs`).
 */
export async function readyTimes(page, url, n) {
  const times = [];
  for (let i = 0; i < n; i += 1) {
    await page.goto(url);
    await page.waitForFunction(() => typeof window.labReadyMs === 'number');
    times.push(await page.evaluate(() => window.labReadyMs));
  }
  return times;
}

/** The seed tutorial's whole program, updating product1 to `price` (the benchmarks' baseline). */
export const seedProgram = (price) => `import redis
redis_client = redis.Redis(host='localhost', port=6379, db=0)

def update_price(product, new_price):
    redis_command = f"HSET product_prices {product} {new_price}"
    redis_client.execute_command(redis_command)
    database[product] = new_price

update_price("product1", ${price})
`;

/**
 * Goes to the step of the diagram's arrow whose name matches `arrowName` (a click), opens "On
 * the wire" by keyboard, and returns the request frame's text as shown (`\r\n` written out).
 */
export async function openOnTheWire(page, arrowName) {
  const figure = page.getByRole('figure', { name: 'Sequence diagram' });
  const arrow = figure.getByRole('button', { name: arrowName });
  await arrow.click();
  await figure.locator('[aria-current="step"]').and(arrow).waitFor();
  const summary = page.locator('summary', { hasText: /^On the wire$/ });
  await summary.focus();
  await page.keyboard.press('Enter');
  const request = page.getByLabel('Request frame');
  await request.waitFor();
  return request.textContent();
}

/** The request frame of `HSET product_prices <product> <price>`, as "On the wire" shows it. */
export const hsetFrame = (product, price) =>
  `*4\\r\\n\n$4\\r\\n\nHSET\\r\\n\n$14\\r\\n\nproduct_prices\\r\\n\n$${product.length}\\r\\n\n${product}\\r\\n\n$${price.length}\\r\\n\n${price}\\r\\n\n`;
