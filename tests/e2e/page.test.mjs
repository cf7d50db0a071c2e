// End to end: the release bundle in Chromium, looked at the way a learner would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launchBrowser, openPage, screenshot } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await serveDist();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('the page shows the three actors with the seed catalog, read from IndexedDB', async () => {
  const { page, errors } = await openPage(browser.context, server.url);

  await page.getByRole('heading', { level: 1, name: 'Write-Through Lab' }).waitFor();
  const app = page.getByRole('region', { name: 'Application' });
  const cache = page.getByRole('region', { name: 'Redis cache' });
  const db = page.getByRole('region', { name: 'Database' });

  // The database card goes live once IndexedDB has been opened, seeded and read.
  await db.getByText('Live — IndexedDB in this browser').waitFor();
  const rows = async (region) =>
    (await region.locator('tbody tr').allInnerTexts()).map((r) => r.split(/\s+/).join(' '));
  const seed = ['product1 100', 'product2 200', 'product3 300'];
  assert.deepEqual(await rows(db), seed);
  assert.deepEqual(await rows(cache), seed);

  // Nothing pretends to work: the parts that are not live yet say so.
  assert.match(await cache.innerText(), /not connected yet/);
  assert.match(await app.innerText(), /update_price\(product, new_price\)/);

  await screenshot(page, 'foundation');
  assert.deepEqual(errors, [], 'no console errors and no panic');
});

test('the database rows come from IndexedDB and survive a reload', async () => {
  const { page, errors } = await openPage(browser.context, server.url);
  await page.getByRole('region', { name: 'Database' }).getByText('Live — IndexedDB in this browser').waitFor();

  // Change a row behind the app's back, straight in IndexedDB, then reload: the page must show it.
  await page.evaluate(
    () =>
      new Promise((ok, fail) => {
        const open = indexedDB.open('write-through-lab');
        open.onerror = () => fail(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('products', 'readwrite');
          tx.objectStore('products').put({ id: 'product2', price: '222', written_at_ms: 0, written_by: 'e2e' });
          tx.oncomplete = () => {
            open.result.close();
            ok();
          };
          tx.onerror = () => fail(tx.error);
        };
      }),
  );
  await page.reload();
  const db = page.getByRole('region', { name: 'Database' });
  await db.getByText('Live — IndexedDB in this browser').waitFor();
  const texts = await db.locator('tbody tr').allInnerTexts();
  assert.equal(texts[1].split(/\s+/).join(' '), 'product2 222');
  assert.deepEqual(errors, []);
});
