// End to end: the 100,000-product catalog, loaded and used through the interface.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shareServerAndBrowser, openLab, screenshot } from './harness.mjs';

const shared = shareServerAndBrowser();

test('load 100,000 products, scroll both tables by keyboard, update the last one, and go back', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByRole('tab', { name: 'At scale' }).click();
  const scale = page.getByRole('region', { name: 'At scale' });
  await scale.getByRole('button', { name: 'Load 100,000 products' }).click();
  // Seeding IndexedDB with 100,000 rows takes seconds on these machines.
  await scale
    .getByRole('status', { name: 'Catalog size' })
    .getByText(/^Both stores hold 100,000 products: seeded in \d+ ms/)
    .waitFor({ timeout: 80_000 });

  const cache = page.getByRole('region', { name: 'Redis cache' });
  const db = page.getByRole('region', { name: 'Database' });
  const cacheBox = cache.getByRole('region', { name: /^Hash product_prices \(100000 rows, scrollable\)$/ });
  const dbBox = db.getByRole('region', { name: /^Table products \(100000 rows, scrollable\)$/ });
  assert.equal(await cache.getByRole('table').getAttribute('aria-rowcount'), '100001');
  assert.equal(await db.getByRole('table').getAttribute('aria-rowcount'), '100001');
  // Only the rows in view (and a margin) are in the page.
  assert.ok((await db.locator('tr.price-table__row').count()) < 80);
  await cache.getByRole('status', { name: 'Consistency' }).getByText(/^In step/).waitFor();

  // Keyboard scrolling: End in a focused table goes to its last row (and leaves playback alone).
  await dbBox.focus();
  await page.keyboard.press('End');
  await db.getByRole('row', { name: /^product99999 \d{3} seed \(rev 1\)$/ }).waitFor();
  const last = await db.getByRole('row', { name: /^product99999 / }).getAttribute('aria-rowindex');
  assert.equal(last, '100001');
  await cacheBox.focus();
  await page.keyboard.press('End');
  await cache.getByRole('row', { name: /^product99999 \d{3}$/ }).waitFor();
  await page.keyboard.press('Home');
  await cache.getByRole('row', { name: /^product0 100$/ }).waitFor();

  // The update form is on the playground.
  await page.getByRole('tab', { name: 'Playground' }).click();

  // Updates the chosen product with the form and jumps to the trace's last step.
  const updateTo = async (price) => {
    await page.getByLabel('New price', { exact: true }).fill(price);
    await page.getByRole('button', { name: 'Update price' }).click();
    // This update's trace is on the stage (its outcome names the price; the narration of the
    // one before could still be showing), then End goes to its last step.
    await page.getByRole('region', { name: 'Last operation' }).getByText(`Both stores hold product54321 = ${price}`).waitFor();
    await page.getByLabel('Narration').getByText(/^Step \d of 5/).waitFor();
    await page.keyboard.press('End');
    await page.getByLabel('Narration').getByText(`Step 5 of 5 — Both stores hold product54321 = ${price}`).waitFor();
  };

  // The product field is a text field with suggestions at this size.
  const product = page.getByLabel('Product', { exact: true });
  assert.equal(await product.evaluate((el) => el.tagName), 'INPUT');
  await product.fill('product5432');
  assert.ok((await page.locator('#update-products option').count()) > 1);
  await product.fill('product54321');
  await updateTo('150');
  // Both tables scrolled the changed row into view.
  await cache.getByRole('row', { name: /^product54321 150$/ }).waitFor();
  await db.getByRole('row', { name: /^product54321 150 update_price \(rev 2\)$/ }).waitFor();
  await cache.scrollIntoViewIfNeeded();
  await screenshot(page, 'scale-100k-updated', { fullPage: false });
  // Every rendered row has the same height (no row inherits a spacer's).
  const heights = await page.evaluate(() =>
    [...document.querySelectorAll('.price-table__scroll tr.price-table__row')].map((r) => r.getBoundingClientRect().height),
  );
  assert.ok(Math.max(...heights) - Math.min(...heights) <= 1, `row heights ${Math.min(...heights)}..${Math.max(...heights)}`);

  // Scrolled away, the same product updated again comes back into view.
  await cacheBox.focus();
  await page.keyboard.press('Home');
  await cache.getByRole('row', { name: /^product0 100$/ }).waitFor();
  await updateTo('151');
  await cache.getByRole('row', { name: /^product54321 151$/ }).waitFor();

  // An unknown product is refused next to the field, and nothing changes.
  await product.fill('product100000');
  await page.getByLabel('New price', { exact: true }).fill('1');
  await page.getByRole('button', { name: 'Update price' }).click();
  await page.getByRole('alert').getByText('There is no product called "product100000" in the database.').waitFor();

  await page.getByRole('tab', { name: 'At scale' }).click();
  await scale.getByRole('button', { name: 'Back to the 3 seed products' }).click();
  await scale.getByRole('status', { name: 'Catalog size' }).getByText('Both stores hold 3 products.').waitFor({ timeout: 30_000 });
  await db.getByRole('row', { name: /^product1 100 seed/ }).waitFor();
  assert.equal(await db.getByRole('table').getAttribute('aria-rowcount'), null);
  await page.getByRole('tab', { name: 'Playground' }).click();
  assert.equal(await page.getByLabel('Product', { exact: true }).evaluate((el) => el.tagName), 'SELECT');
  const memory = await page.evaluate(() => window.lab.memory());
  assert.ok(memory.wasm_memory_bytes < 64 * 1024 * 1024, `wasm memory ${memory.wasm_memory_bytes}`);
  assert.deepEqual(errors, []);
});
