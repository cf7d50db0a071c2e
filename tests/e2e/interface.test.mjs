// End to end: the interface, used the way a learner uses it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shareServerAndBrowser, openLab, screenshot } from './harness.mjs';

const shared = shareServerAndBrowser();


const narration = (page) => page.getByLabel('Narration');

test('update a price with the form and step through the trace with buttons and keys', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByLabel('Product', { exact: true }).selectOption('product1');
  await page.getByLabel('New price', { exact: true }).fill('150');
  await page.getByRole('button', { name: 'Update price' }).click();

  // The trace loads; Home pauses it at its first step, to drive it by hand.
  await page.getByText(/^Step \d of 5/).first().waitFor();
  await page.keyboard.press('Home');
  await narration(page).getByText('Step 1 of 5').waitFor();
  await page.getByRole('button', { name: 'Next step' }).click();
  await narration(page).getByText('Step 2 of 5 — The database commits product1 = 150').waitFor();
  // At this step the database has the new price and the cache still the old one.
  const cache = page.getByRole('region', { name: 'Redis cache' });
  const db = page.getByRole('region', { name: 'Database' });
  await db.getByRole('row', { name: /product1 150/ }).waitFor();
  await cache.getByRole('row', { name: /product1 100/ }).waitFor();
  await cache.getByRole('status', { name: 'Consistency' }).getByText('Diverged: product1 (cache 100, database 150)').waitFor();
  await screenshot(page, 'interface-step-2-1440');

  await page.keyboard.press('End');
  await narration(page).getByText('Step 5 of 5').waitFor();
  await cache.getByRole('row', { name: /product1 150/ }).waitFor();
  await page.keyboard.press('ArrowLeft');
  await narration(page).getByText('Step 4 of 5 — Redis sets product1 to 150').waitFor();
  await page.keyboard.press('Home');
  await narration(page).getByText('Step 1 of 5').waitFor();
  await page.keyboard.press('ArrowRight');
  await narration(page).getByText('Step 2 of 5').waitFor();
  await page.getByRole('button', { name: 'Last step' }).click();
  await narration(page).getByText('Step 5 of 5 — Both stores hold product1 = 150').waitFor();
  await page.getByRole('button', { name: 'Previous step' }).click();
  await narration(page).getByText('Step 4 of 5').waitFor();
  // The code pane highlights the line the step runs.
  const current = page.locator('.code__line--current');
  assert.match(await current.innerText(), /execute_command\(redis_command\)/);
  await page.getByRole('button', { name: 'Rust' }).click();
  assert.match(await page.locator('.code__line--current').innerText(), /execute_command\(&redis_command\)/);
  await page.getByRole('button', { name: 'Python', exact: true }).click();

  // Play runs by itself, and stops where the lab asks for a prediction.
  await page.getByRole('button', { name: 'First step' }).click();
  await page.getByRole('button', { name: 'Play' }).click();
  const predict = page.getByRole('region', { name: 'Predict, then see' });
  await predict.getByText('Predict: what would HGET product_prices product1 return now?').waitFor({ timeout: 20_000 });
  await narration(page).getByText('Step 2 of 5').waitFor();
  await page.getByRole('button', { name: 'Play' }).waitFor();
  await predict.getByRole('button', { name: '"150"' }).click();
  await predict.getByText('Not quite: Redis would return "100".').waitFor();
  await predict.getByText('a read now gets a stale price').waitFor();
  await screenshot(page, 'interface-predict');
  await page.getByRole('button', { name: 'Play' }).click();
  await narration(page).getByText('Step 5 of 5').waitFor({ timeout: 20_000 });
  await page.getByRole('button', { name: 'Play' }).waitFor();
  assert.deepEqual(errors, []);
});

test('a bad price is refused next to the field; a database failure leaves the cache unchanged', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await page.getByLabel('New price', { exact: true }).fill('-3');
  await page.getByRole('button', { name: 'Update price' }).click();
  await page.getByRole('form', { name: 'Update a price' }).getByRole('alert').getByText('A price cannot be negative.').waitFor();

  await page.getByLabel('Database write fails').check();
  await page.getByLabel('Product', { exact: true }).selectOption('product2');
  await page.getByLabel('New price', { exact: true }).fill('250');
  await page.getByRole('button', { name: 'Update price' }).click();
  await page.getByRole('region', { name: 'Last operation' }).getByText('The database write fails.').waitFor();
  await page.keyboard.press('End');
  const cache = page.getByRole('region', { name: 'Redis cache' });
  await cache.getByRole('row', { name: /product2 200/ }).waitFor();
  await cache.getByRole('status', { name: 'Consistency' }).getByText('In step').waitFor();
  assert.deepEqual(await page.evaluate(() => window.lab.cache()), { product1: '100', product2: '200', product3: '300' });
  await screenshot(page, 'interface-database-fails');
  await page.getByLabel('Database write fails').uncheck();
  assert.deepEqual(errors, []);
});

test('the console: commands, an error reply, history, completion, hints and clear', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  const input = page.getByLabel('Redis command');
  const log = page.getByRole('log', { name: 'Console output' });

  await input.fill('HGET product_prices product1');
  await input.press('Enter');
  await log.getByText('"100"').waitFor();

  await input.fill('HSET product_prices product1');
  await input.press('Enter');
  await log.getByText("(error) ERR wrong number of arguments for 'hset' command").waitFor();

  await input.fill('HSET product_prices product1 175');
  await input.press('Enter');
  await log.getByText('(integer) 0').waitFor();
  // The console changed the same cache the stage shows: now it disagrees with the database.
  await page.getByRole('region', { name: 'Redis cache' }).getByRole('status', { name: 'Consistency' })
    .getByText('Diverged: product1 (cache 175, database 100)').waitFor();

  await input.press('ArrowUp');
  assert.equal(await input.inputValue(), 'HSET product_prices product1 175');
  await input.press('ArrowUp');
  assert.equal(await input.inputValue(), 'HSET product_prices product1');
  await input.press('ArrowDown');
  assert.equal(await input.inputValue(), 'HSET product_prices product1 175');

  await input.fill('hgeta');
  await input.press('Tab');
  assert.equal(await input.inputValue(), 'HGETALL');
  await input.fill('HSET ');
  assert.equal(await page.locator('#console-hint').innerText(), 'key field value [field value ...]');
  await input.fill('help HSET');
  await input.press('Enter');
  await log.getByText('HSET key field value [field value ...]').waitFor();
  await screenshot(page, 'interface-console');

  await input.fill('clear');
  await input.press('Enter');
  assert.equal(await log.locator('.console__entry').count(), 0);
  assert.deepEqual(errors, []);
});

test('the page works at 375 px wide', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await page.setViewportSize({ width: 375, height: 800 });
  await page.getByLabel('New price', { exact: true }).fill('199');
  await page.getByRole('button', { name: 'Update price' }).click();
  await page.getByLabel('Narration').getByText(/^Step \d of 5/).waitFor();
  await page.keyboard.press('End');
  await page.getByRole('region', { name: 'Database' }).getByRole('row', { name: /product1 199/ }).waitFor();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `no horizontal scrolling at 375 px (page is ${width} px wide)`);
  await screenshot(page, 'interface-375');
  await page.setViewportSize({ width: 1280, height: 800 });
  assert.deepEqual(errors, []);
});

test('the same update under two patterns, side by side', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await page.getByLabel('Crash between the writes').check();
  await page.getByRole('tab', { name: 'Compare' }).click();
  const compare = page.getByRole('region', { name: 'Compare two patterns' });
  await compare.getByLabel('Left pattern').selectOption('write_through');
  await compare.getByLabel('Right pattern').selectOption('write_behind');
  await compare.getByRole('button', { name: 'Compare' }).click();
  await compare.getByText('Cache 100, database 150: diverged').waitFor();
  await compare.getByText('Cache 150, database 100: diverged').waitFor();
  assert.equal(await compare.getByText('Outcome: crashed').count(), 2);
  // The lab's own stores did not change.
  assert.deepEqual(await page.evaluate(() => window.lab.cache()), { product1: '100', product2: '200', product3: '300' });
  await compare.screenshot({ path: 'tests/e2e/screenshots/compare.png' });
  await page.getByRole('tab', { name: 'Playground' }).click();
  await page.getByLabel('Crash between the writes').uncheck();
  assert.deepEqual(errors, []);
});

test('two writers race on the stage, and a link reopens the same step', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await page.getByRole('tab', { name: 'Two writers' }).click();
  const race = page.getByRole('region', { name: 'Two writers' });
  await race.getByLabel('Race pattern').selectOption('write_through');
  for (const [i, w] of ['A', 'B', 'B', 'A'].entries()) await race.getByLabel(`Move ${i + 1}`).selectOption(w);
  await race.getByRole('button', { name: 'Run the race' }).click();
  await page.keyboard.press('End');
  await narration(page).getByText('a stale price').waitFor();
  const cache = page.getByRole('region', { name: 'Redis cache' });
  await cache.getByRole('status', { name: 'Consistency' }).getByText('Diverged: product1 (cache 150, database 175)').waitFor();
  await screenshot(page, 'interface-race');

  // With per-key ordering, B waits for A.
  await race.getByLabel('Per-key ordering').check();
  await race.getByRole('button', { name: 'Run the race' }).click();
  await page.keyboard.press('End');
  await cache.getByRole('status', { name: 'Consistency' }).getByText('In step').waitFor();

  // A link to step 3 of the unordered race reopens it there, in a new tab.
  await race.getByLabel('Per-key ordering').uncheck();
  await race.getByRole('button', { name: 'Run the race' }).click();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await narration(page).getByText('Step 3 of 5').waitFor();
  await page.getByRole('button', { name: 'Link to this step' }).click();
  const url = await page.getByRole('textbox', { name: 'Link to this step' }).inputValue();
  assert.match(url, /\?scenario=race&pattern=write_through&ordered=0&order=ABBA&step=3$/);
  const other = await shared.browser.context.newPage();
  await other.goto(url);
  await other.getByLabel('Narration').getByText('Step 3 of 5 — Writer B writes 175 to the cache.').waitFor();
  await other.close();
  assert.deepEqual(errors, []);
});
