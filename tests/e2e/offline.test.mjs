// End to end: the lab works offline after one visit, installs as an app, updates itself only
// when the learner reloads, and works from a sub-path of a static host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { shareServerAndBrowser, openLab, serveDist, dist, screenshot } from './harness.mjs';
import { addContentSecurityPolicy } from '../../scripts/csp.mjs';
import { writeServiceWorker } from '../../scripts/service-worker.mjs';

const shared = shareServerAndBrowser();

/** Waits until the service worker serves this page. */
async function controlled(page) {
  await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, null, { timeout: 20_000 });
}

test('after one visit the lab starts offline, writes both stores, and keeps them across reloads', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await controlled(page);
  await shared.browser.context.setOffline(true);
  try {
    // Nothing reaches the server now (the failed probe's console line is the one expected).
    const before = errors.length;
    assert.equal(await page.evaluate((url) => fetch(url).then(() => 'online', () => 'offline'), `${shared.server.url}nothing-cached`), 'offline');
    await page.waitForFunction(() => true);
    errors.splice(before).forEach((e) => assert.match(e, /Failed to load resource: net::ERR_FAILED/));
    await page.reload();
    await page.waitForFunction(() => typeof window.lab?.update_price === 'function');
    // The shared Redis's worker started offline too (its scripts and wasm come from the cache).
    await page.getByRole('region', { name: 'Redis cache' }).getByText('One Redis for all tabs').waitFor();
    assert.equal(await page.getByText(/elected with Web Locks|cannot share one Redis/).count(), 0, 'the SharedWorker, not a fallback');
    await page.getByLabel('Product', { exact: true }).selectOption('product2');
    await page.getByLabel('New price', { exact: true }).fill('222');
    await page.getByRole('button', { name: 'Update price' }).click();
    // The trace is on the stage (playing from step 1): go to its last step.
    await page.getByLabel('Narration').getByText(/^Step \d of 5/).waitFor();
    await page.keyboard.press('End');
    await page.getByRole('region', { name: 'Database' }).getByRole('row', { name: /product2 222/ }).waitFor();
    await page.getByRole('region', { name: 'Redis cache' }).getByRole('row', { name: /product2 222/ }).waitFor();
    await screenshot(page, 'offline-update', { fullPage: false });

    await page.reload();
    await page.waitForFunction(() => typeof window.lab?.update_price === 'function');
    assert.equal((await page.evaluate(() => window.lab.database())).product2, '222');

    // A deep link opened offline replays its step.
    await page.goto(`${shared.server.url}?scenario=update&pattern=write_through&product=product1&price=150&step=2`);
    await page.getByLabel('Narration').getByText('Step 2 of 5 — The database commits product1 = 150').waitFor();
  } finally {
    await shared.browser.context.setOffline(false);
  }
  await page.goto(shared.server.url);
  await page.waitForFunction(() => typeof window.lab?.update_price === 'function');
  await page.evaluate(() => window.lab.reset());
  assert.deepEqual(errors, []);
});

test('a new deploy is announced, and its files are served after the learner reloads', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wtl-deploy-'));
  await cp(dist, dir, { recursive: true });
  const server = await serveDist({ dir });
  const { page, errors } = await openLab(shared.browser.context, server.url, { newPage: true });
  try {
    await controlled(page);

    // The next deploy, as the build would make it: the stylesheet (inline in index.html) changed,
    // so the page's Content-Security-Policy names its new hash; one of the loader's modules
    // changed under the same name (Trunk names snippets by crate, not by content), so its
    // integrity hash in index.html changes; then a service worker that knows the new files.
    const snippet = (await readdir(join(dir, 'snippets'), { recursive: true })).find((f) => f.endsWith('.js'));
    const module = `snippets/${snippet}`;
    const code = `${await readFile(join(dir, module), 'utf8')}\n// deploy-2\n`;
    await writeFile(join(dir, module), code);
    const integrity = `sha384-${createHash('sha384').update(code).digest('base64')}`;
    const escaped = module.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const html = (await readFile(join(dir, 'index.html'), 'utf8'))
      .replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '')
      .replace('</style>', '.deploy-2{color:inherit}</style>')
      .replace(new RegExp(`(<link[^>]*${escaped}[^>]*integrity=["']?)sha384-[A-Za-z0-9+/=]+`), `$1${integrity}`);
    assert.ok(html.includes('.deploy-2') && html.includes(integrity));
    await writeFile(join(dir, 'index.html'), html);
    await addContentSecurityPolicy(dir);
    await writeServiceWorker(dir);
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());

    const notice = page.getByRole('status').getByText('A new version is ready — reload');
    await notice.waitFor({ timeout: 20_000 });
    // Until the learner reloads, the running page keeps the files it started with.
    const served = () =>
      page.evaluate(async (path) => {
        const texts = await Promise.all(['./', path].map(async (p) => (await fetch(p)).text()));
        return [texts[0].includes('.deploy-2'), texts[1].includes('deploy-2')];
      }, `./${module}`);
    assert.deepEqual(await served(), [false, false]);
    await screenshot(page, 'offline-new-version', { fullPage: false });
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Reload' }).click()]);
    await page.waitForFunction(() => typeof window.lab?.update_price === 'function');
    assert.deepEqual(await served(), [true, true]);
    assert.equal(await page.getByText('A new version is ready — reload').count(), 0);
  } finally {
    await page.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
  assert.deepEqual(errors, []);
});

test('served from a sub-path, the page loads, works, and keeps its worker to that path', async () => {
  const server = await serveDist({ prefix: '/write-through-lab/' });
  const { page, errors } = await openLab(shared.browser.context, server.url, { newPage: true, reset: true });
  try {
    const trace = await page.evaluate(() => window.lab.update_price('product3', 333));
    assert.equal(trace.outcome.status, 'completed');
    await controlled(page);
    assert.equal(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).scope), server.url);
    await page.getByRole('region', { name: 'Database' }).getByRole('row', { name: /product3 333/ }).waitFor();
    await page.evaluate(() => window.lab.reset());
  } finally {
    await page.close();
    await server.close();
  }
  assert.deepEqual(errors, []);
});

test('the manifest is linked and valid, its icons exist at their sizes, and Chromium can install the lab', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url);
  const href = await page.locator('link[rel="manifest"]').evaluate((l) => l.href);
  const manifest = await page.evaluate(async (url) => (await fetch(url)).json(), href);
  assert.equal(manifest.name, 'Write-Through Lab');
  assert.ok(manifest.short_name && manifest.short_name.length <= 15);
  assert.equal(manifest.display, 'standalone');
  assert.equal(manifest.start_url, './');
  assert.match(manifest.theme_color, /^#[0-9a-f]{6}$/);
  for (const icon of manifest.icons) {
    const size = await page.evaluate(async (src) => {
      const image = new Image();
      image.src = src;
      await image.decode();
      return `${image.naturalWidth}x${image.naturalHeight}`;
    }, new URL(icon.src, href).href);
    assert.equal(size, icon.sizes, icon.src);
  }
  assert.ok(manifest.icons.some((i) => i.sizes === '192x192'));
  assert.ok(manifest.icons.some((i) => i.sizes === '512x512' && i.purpose === 'any'));
  assert.ok(manifest.icons.some((i) => i.purpose === 'maskable'));

  const cdp = await shared.browser.context.newCDPSession(page);
  const { errors: manifestErrors } = await cdp.send('Page.getAppManifest');
  assert.deepEqual(manifestErrors, []);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  assert.deepEqual(installabilityErrors, []);
  await cdp.detach();
  assert.deepEqual(errors, []);
});
