// End to end: the release bundle in Chromium, looked at the way a learner would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shareServerAndBrowser, openPage, screenshot } from './harness.mjs';

const shared = shareServerAndBrowser();

// The database card's status while IndexedDB is open and persistent.
const LIVE = 'IndexedDB in this browser (persistent)';

/** The (id, price) pairs of a card's table, as shown. */
async function pairs(region) {
  const rows = region.locator('tbody tr');
  const out = [];
  for (let i = 0; i < (await rows.count()); i += 1) {
    const row = rows.nth(i);
    out.push(`${(await row.locator('th').innerText()).trim()} ${(await row.locator('td').first().innerText()).trim()}`);
  }
  return out;
}

test('the page shows the three actors with the seed catalog, read from IndexedDB', async () => {
  const { page, errors } = await openPage(shared.browser.context, shared.server.url);

  await page.getByRole('heading', { level: 1, name: 'Write-Through Lab' }).waitFor();
  const app = page.getByRole('region', { name: 'Application' });
  const cache = page.getByRole('region', { name: 'Redis cache' });
  const db = page.getByRole('region', { name: 'Database' });

  // The database card goes live once IndexedDB has been opened, seeded and read.
  await db.getByText(LIVE).waitFor();
  const seed = ['product1 100', 'product2 200', 'product3 300'];
  assert.deepEqual(await pairs(db), seed);
  assert.deepEqual(await pairs(cache), seed);

  // The cache is the emulator every tab shares, warmed from the database, and in step with it.
  await cache.getByText('One Redis for all tabs').waitFor();
  // Nothing has run yet: the stage shows the live stores, and says so.
  await page.getByRole('status', { name: 'Stage mode' }).getByText('Live', { exact: true }).waitFor();
  await cache.getByRole('status', { name: 'Consistency' }).getByText('In step').waitFor();
  assert.match(await app.innerText(), /update_price\(product, new_price\)/);

  await screenshot(page, 'foundation');
  assert.deepEqual(errors, [], 'no console errors and no panic');
});

test('the boot screen paints from the page alone, and the WebAssembly is fetched after it', async () => {
  const { page, errors } = await openPage(shared.browser.context, shared.server.url, { newPage: true });
  await page.waitForFunction(() => typeof window.lab?.update_price === 'function');
  const load = await page.evaluate(() => ({
    stylesheets: document.querySelectorAll('link[rel="stylesheet"]').length,
    preloads: document.querySelectorAll('link[rel="preload"]').length,
    styled: getComputedStyle(document.body).margin === '0px',
    paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
    wasm: performance.getEntriesByType('resource').filter((e) => e.name.endsWith('_bg.wasm') && !e.name.includes('/redis_hub') && !e.name.includes('/python_worker')).map((e) => e.startTime),
  }));
  // The stylesheet is in the page (nothing to wait for before the first paint) and applies.
  assert.equal(load.stylesheets, 0);
  assert.equal(load.preloads, 0);
  assert.ok(load.styled, 'the inline stylesheet applies');
  // One fetch of the page's WebAssembly, begun after the boot screen was painted.
  assert.equal(load.wasm.length, 1, JSON.stringify(load));
  assert.ok(typeof load.paint === 'number' && load.wasm[0] >= load.paint, JSON.stringify(load));
  await page.close();
  assert.deepEqual(errors, [], 'no console errors (a blocked inline style or script is one)');
});

test('a price written to the database survives a reload', async () => {
  const { page, errors } = await openPage(shared.browser.context, shared.server.url);
  const db = page.getByRole('region', { name: 'Database' });
  await db.getByText(LIVE).waitFor();

  await db.getByLabel('Database row').selectOption('product2');
  await db.getByLabel('Price in database').fill('222.50');
  await db.getByRole('button', { name: 'Write to database' }).click();
  await db.getByRole('row', { name: /product2 222\.50/ }).waitFor();
  assert.match(await db.getByRole('row', { name: /product2/ }).innerText(), /edit \(rev 2\)/);

  await page.reload();
  await db.getByText(LIVE).waitFor();
  assert.deepEqual(await pairs(db), ['product1 100', 'product2 222.50', 'product3 300']);
  await screenshot(page, 'database-after-reload');

  await db.getByRole('button', { name: 'Reset database to the seed' }).click();
  await db.getByRole('row', { name: /product2 200/ }).waitFor();
  assert.deepEqual(errors, []);
});

test('a bad price gets a message next to the field and changes nothing', async () => {
  const { page, errors } = await openPage(shared.browser.context, shared.server.url);
  const db = page.getByRole('region', { name: 'Database' });
  await db.getByText(LIVE).waitFor();
  const before = await pairs(db);

  await db.getByLabel('Price in database').fill('-5');
  await db.getByRole('button', { name: 'Write to database' }).click();
  const alert = db.getByRole('alert');
  await alert.getByText('A price cannot be negative.').waitFor();
  assert.equal(await db.getByLabel('Price in database').getAttribute('aria-invalid'), 'true');
  assert.deepEqual(await pairs(db), before);
  await screenshot(page, 'database-bad-price');
  assert.deepEqual(errors, []);
});

test('a write in one tab appears in another tab of the same browser', async () => {
  const first = await openPage(shared.browser.context, shared.server.url);
  const second = await openPage(shared.browser.context, shared.server.url, { newPage: true });
  const dbA = first.page.getByRole('region', { name: 'Database' });
  const dbB = second.page.getByRole('region', { name: 'Database' });
  await dbA.getByText(LIVE).waitFor();
  await dbB.getByText(LIVE).waitFor();

  await dbA.getByLabel('Database row').selectOption('product3');
  await dbA.getByLabel('Price in database').fill('333');
  await dbA.getByRole('button', { name: 'Write to database' }).click();

  // The other tab hears of it (BroadcastChannel) and rereads the table.
  await dbB.getByRole('row', { name: /product3 333/ }).waitFor();
  await second.page.getByRole('status').getByText('Another tab wrote product3').waitFor();
  await screenshot(second.page, 'second-tab');

  await dbA.getByRole('button', { name: 'Reset database to the seed' }).click();
  await dbB.getByRole('row', { name: /product3 300/ }).waitFor();
  await second.page.close();
  assert.deepEqual([...first.errors, ...second.errors], []);
});

test('without IndexedDB the lab falls back to memory and says so', async () => {
  const page = await shared.browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // A browser that will not give the page IndexedDB (as some private modes do).
  await page.addInitScript(() => {
    Object.defineProperty(window, 'indexedDB', { get: () => undefined });
  });
  await page.goto(shared.server.url);
  const db = page.getByRole('region', { name: 'Database' });
  await db.getByText('Not persistent — kept in memory').waitFor();
  await page.getByRole('status').getByText('will not survive a reload').waitFor();
  assert.deepEqual(await pairs(db), ['product1 100', 'product2 200', 'product3 300']);
  await db.getByLabel('Price in database').fill('150');
  await db.getByRole('button', { name: 'Write to database' }).click();
  await db.getByRole('row', { name: /product1 150/ }).waitFor();
  await screenshot(page, 'database-in-memory');
  await page.close();
  assert.deepEqual(errors, []);
});
