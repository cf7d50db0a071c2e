// End to end: window.lab, the JavaScript API, driving both stores in a real browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shareServerAndBrowser, openLab, screenshot } from './harness.mjs';

const shared = shareServerAndBrowser();


test('update_price writes both stores, and the database keeps it across a reload', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url);
  await page.evaluate(() => window.lab.reset());
  assert.equal(await page.evaluate(() => window.lab.execute_command('HGET product_prices product1')), '"100"\n');

  const trace = await page.evaluate(() => window.lab.update_price('product1', 150));
  assert.equal(trace.outcome.status, 'completed');
  assert.equal(trace.pattern, 'write_through');
  assert.deepEqual(
    trace.steps.map((s) => s.kind),
    ['validate', 'database_write', 'build_command', 'cache_write', 'done'],
  );
  assert.equal(trace.steps[2].result, 'HSET product_prices product1 150');
  assert.equal(trace.steps[3].result, '(integer) 0');
  assert.deepEqual(await page.evaluate(() => window.lab.cache()), { product1: '150', product2: '200', product3: '300' });
  assert.deepEqual(await page.evaluate(() => window.lab.database()), { product1: '150', product2: '200', product3: '300' });

  // The page shows it too (at the trace's last step).
  await page.getByLabel('Narration').getByText(/^Step \d of 5/).waitFor();
  await page.keyboard.press('End');
  const cache = page.getByRole('region', { name: 'Redis cache' });
  await cache.getByRole('row', { name: /product1 150/ }).waitFor();
  await page.getByRole('region', { name: 'Last operation' }).getByText('Both stores hold product1 = 150').waitFor();
  await screenshot(page, 'lab-api-after-update');

  await page.reload();
  await page.waitForFunction(() => typeof window.lab?.update_price === 'function');
  assert.deepEqual(await page.evaluate(() => window.lab.database()), { product1: '150', product2: '200', product3: '300' });
  // A fresh page warms its cache from the database.
  assert.equal(await page.evaluate(() => window.lab.cache().product1), '150');
  await page.evaluate(() => window.lab.reset());
  assert.deepEqual(errors, []);
});

test('bad input and failures reject with the message and change nothing', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url);
  await page.evaluate(() => window.lab.reset());
  const attempt = (product, price) =>
    page.evaluate(
      ([p, v]) => window.lab.update_price(p, v).then(() => 'resolved', (e) => `${e.constructor.name}: ${e.message}`),
      [product, price],
    );
  assert.equal(await attempt('product1', -5), 'Error: A price cannot be negative.');
  assert.equal(await attempt('product9', 150), 'Error: There is no product called "product9" in the database.');
  assert.equal(await attempt('product1', 'abc'), 'Error: A price is a plain decimal number, like 150 or 19.99 (digits, at most one point).');
  assert.match(await attempt('product1', {}), /new_price must be a number or a string/);

  await page.evaluate(() => window.lab.set_faults({ database_write: true }));
  assert.equal(await attempt('product2', '250'), 'Error: The database write failed (a fault you switched on).');
  await page.evaluate(() => window.lab.set_faults({}));
  const seed = { product1: '100', product2: '200', product3: '300' };
  assert.deepEqual(await page.evaluate(() => window.lab.cache()), seed);
  assert.deepEqual(await page.evaluate(() => window.lab.database()), seed);
  assert.deepEqual(errors, []);
});

test('a crash between the writes is recovered by restart, and the page shows the divergence', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url);
  await page.evaluate(() => window.lab.reset());
  await page.evaluate(() => window.lab.set_pattern('write_through_cache_first'));
  await page.evaluate(() => window.lab.set_faults({ crash_between: true }));
  const message = await page.evaluate(() => window.lab.update_price('product3', '333').catch((e) => e.message));
  assert.match(message, /crashed between the two writes/);
  await page.keyboard.press('End');
  const consistency = page.getByRole('region', { name: 'Redis cache' }).getByRole('status', { name: 'Consistency' });
  await consistency.getByText('Diverged: product3 (cache 333, database 300)').waitFor();
  await screenshot(page, 'lab-api-crashed');

  await page.evaluate(() => window.lab.set_faults({}));
  const recovery = await page.evaluate(() => window.lab.restart());
  assert.deepEqual(recovery.steps.map((s) => s.kind), ['detect', 'reconcile', 'done']);
  await page.keyboard.press('End');
  await consistency.getByText('In step').waitFor();
  assert.equal(await page.evaluate(() => window.lab.cache().product3), '300');
  await page.evaluate(() => window.lab.set_pattern('write_through'));
  assert.deepEqual(errors, []);
});

test('two writers race: a stale cache without ordering, none with per-key ordering', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url);
  const race = (perKey) =>
    page.evaluate(
      (ordered) =>
        window.lab.race({ pattern: 'write_through', per_key_ordering: ordered, a_price: 150, b_price: '175', interleaving: ['A', 'B', 'B', 'A'] }),
      perKey,
    );
  const naive = await race(false);
  const last = naive.steps.at(-1);
  assert.equal(last.consistency.in_step, false);
  assert.deepEqual(last.consistency.diverged[0], { product: 'product1', cache: '150', database: '175' });
  const ordered = await race(true);
  assert.ok(ordered.steps.some((s) => s.kind === 'wait'));
  assert.equal(ordered.steps.at(-1).consistency.in_step, true);
  assert.deepEqual(errors, []);
});
