// End to end: rough edges a new learner met (issue #23): the Redis console scrolls to its newest
// reply; a control that disables itself keeps the keyboard's focus; Escape then Tab moves past
// the editor; notices come over the page, leave with their reason and can be dismissed; a read
// through the cache (get_price); stray fields offered for removal; a race's result told at its
// last step; the phone's diagram keeps its text readable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shareServerAndBrowser, openLab, screenshot, openOnTheWire, hsetFrame } from './harness.mjs';

const shared = shareServerAndBrowser();

test('the console scrolls to its newest reply', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  const input = page.getByLabel('Redis command');
  const screen = page.getByRole('log', { name: 'Console output' });
  for (let i = 0; i < 3; i += 1) {
    await input.fill('HGETALL product_prices');
    await input.press('Enter');
    await screen.locator('.console__entry').nth(i).waitFor();
  }
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  const { top, height, total } = await screen.evaluate((el) => ({ top: el.scrollTop, height: el.clientHeight, total: el.scrollHeight }));
  assert.ok(total > height, `the transcript is taller than its box (${total} > ${height})`);
  assert.ok(top + height >= total - 2, `scrolled to the end: ${top} + ${height} of ${total}`);
  await input.scrollIntoViewIfNeeded();
  await screenshot(page, 'console-after-hgetall-1440', { fullPage: false });
  assert.deepEqual(errors, []);
});

test('Last step keeps the focus when there is no step after it', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await page.evaluate(() => window.lab.update_price('product2', '222'));
  const last = page.getByRole('button', { name: 'Last step' });
  await last.focus();
  await page.keyboard.press('Enter');
  await page.getByLabel('Narration').getByText(/^Step (\d+) of \1 /).waitFor();
  assert.equal(await last.getAttribute('aria-disabled'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Last step');
  // Pressed again, it stays where it is and does nothing.
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Last step');
  assert.deepEqual(errors, []);
});

test('Escape leaves the editor forwards: Tab then moves on, and the keys are said on the page', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByRole('region', { name: 'Application' }).getByRole('button', { name: 'Your Python' }).click();
  const editor = page.getByLabel('Python code');
  await editor.click();
  // Tab indents inside the editor.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Python code');
  assert.match(await editor.getAttribute('aria-describedby'), /editor-keys/);
  await page.getByText('Tab indents · Esc leaves the editor, then Tab moves on · Ctrl+Enter runs').waitFor();
  await page.keyboard.press('Escape');
  assert.ok(await page.evaluate(() => !!document.activeElement?.closest('[aria-label="Output"]')), 'Escape: focus in the output, after the editor');
  await page.keyboard.press('Tab');
  const next = await page.evaluate(() => ({ tag: document.activeElement?.tagName, label: document.activeElement?.getAttribute('aria-label') }));
  assert.notEqual(next.tag, 'BODY');
  assert.notEqual(next.label, 'Python code', 'Tab moved on, not back into the editor');
  // Shift+Tab twice comes back into the editor.
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Python code');
  assert.deepEqual(errors, []);
});

test('Update price pressed by keyboard keeps the focus while it runs; a prediction answered keeps it too', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await page.getByLabel('New price', { exact: true }).fill('150');
  const update = page.getByRole('button', { name: 'Update price' });
  await update.focus();
  await page.keyboard.press('Enter');
  await page.getByLabel('Narration').getByText(/of 5/).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Update price');
  await page.getByRole('button', { name: 'First step' }).click().catch(() => {});
  await page.keyboard.press('Home');
  await page.getByRole('button', { name: 'Play' }).click();
  const predict = page.getByRole('region', { name: 'Predict, then see' });
  await predict.getByText('Paused — pick an answer, then play on.').waitFor({ timeout: 20_000 });
  const choice = predict.getByRole('button', { name: '"100"' });
  await choice.focus();
  await page.keyboard.press('Enter');
  await predict.getByText(/Right: "100"/).waitFor();
  assert.equal(await choice.getAttribute('aria-disabled'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), '"100"');
  assert.deepEqual(errors, []);
});

test('notices come over the page without moving it, and leave when dismissed', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url);
  await page.setViewportSize({ width: 1440, height: 900 });
  // The warm-up's notice (Redis started empty with this file's first page) leaves when the
  // stores are reset: the warmed cache is no longer what they hold.
  await page.getByText(/Redis started with an empty cache/).waitFor();
  await page.evaluate(() => window.lab.reset());
  await page.getByText(/Redis started with an empty cache/).waitFor({ state: 'detached' });
  const lessonTop = async () => page.getByRole('region', { name: 'Lesson' }).evaluate((el) => el.getBoundingClientRect().top);
  const before = await lessonTop();
  // Another tab writes the database: this tab says so, over the page.
  const other = await shared.browser.context.newPage();
  await other.goto(shared.server.url);
  await other.waitForFunction(() => typeof window.lab?.update_price === 'function');
  await other.evaluate(() => window.lab.update_price('product2', 777));
  const notice = page.getByRole('status').filter({ hasText: 'Another tab wrote product2 = 777 to the database.' });
  await notice.waitFor();
  await notice.getByText('a step being replayed shows the stores as they were then').waitFor();
  assert.equal(await lessonTop(), before, 'the notice moved nothing');
  assert.equal(await notice.evaluate((el) => getComputedStyle(el.parentElement).position), 'fixed');
  await screenshot(page, 'notice-other-tab-1440', { fullPage: false });
  await notice.getByRole('button', { name: 'Dismiss' }).click();
  await notice.waitFor({ state: 'detached' });
  await other.close();
  await page.evaluate(() => window.lab.reset());
  assert.deepEqual(errors, []);
});

test('Read price: a miss reads the database and fills the cache, drawn step by step; the next read hits', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.evaluate(() => window.lab.set_pattern('cache_aside'));
  await page.getByLabel('Product', { exact: true }).selectOption('product3');
  await page.getByLabel('New price', { exact: true }).fill('333');
  await page.getByRole('button', { name: 'Update price' }).click();
  const steps = page.getByRole('region', { name: 'Last operation' });
  await steps.getByText('update_price("product3", "333")').waitFor();
  await page.getByRole('button', { name: 'Read price' }).click();
  await steps.getByRole('heading', { name: /get_price\("product3"\)/ }).waitFor();
  await page.keyboard.press('End');
  await page.getByLabel('Narration').getByText('read from the database on a miss; the cache holds it now').waitFor();
  await page.getByRole('region', { name: 'Redis cache' }).getByRole('row', { name: /product3 333/ }).waitFor();
  assert.equal(await page.locator('svg[data-steps]').getAttribute('data-steps'), '4');
  await page.keyboard.press('Home');
  await page.getByLabel('Narration').getByText(/A miss: Redis answers \(nil\)/).waitFor();
  assert.match(await page.locator('.code__line--current').innerText(), /HGET product_prices/);
  await screenshot(page, 'read-price-miss-1440', { fullPage: false });
  const hit = await page.evaluate(() => window.lab.get_price('product3'));
  assert.deepEqual(hit.steps.map((s) => s.kind), ['cache_read', 'done']);
  await page.evaluate(() => { window.lab.set_pattern('write_through'); return window.lab.reset(); });
  assert.deepEqual(errors, []);
});

test('a stray field in the cache is said, and Remove stray fields deletes it', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  const input = page.getByLabel('Redis command');
  await input.fill('HSET product_prices {product} 150');
  await input.press('Enter');
  const cache = page.getByRole('region', { name: 'Redis cache' });
  await cache.getByText('The cache holds {product}, which the database has no row for').waitFor();
  await cache.getByRole('button', { name: 'Remove stray fields' }).click();
  await page.getByRole('region', { name: 'Last operation' }).getByText('removing stray fields').waitFor();
  await page.waitForFunction(() => !('{product}' in window.lab.cache()));
  await cache.getByText('The cache holds {product}').waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
});

test("a race's result is told at its last step, not before", async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await page.getByRole('tab', { name: 'Two writers' }).click();
  await page.getByRole('button', { name: 'Run the race' }).click();
  const result = page.getByRole('status', { name: 'Race result' });
  await result.getByText("Result: told at the race's last step").waitFor();
  await page.getByRole('button', { name: 'Pause' }).click().catch(() => {});
  await page.keyboard.press('End');
  await result.getByText(/Result: cache \d+, database \d+/).waitFor();
  assert.deepEqual(errors, []);
});

test('on a phone the diagram keeps its text at 11 px or more and scrolls sideways', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    await page.evaluate(() => window.lab.set_pattern('write_behind'));
    await page.evaluate(() => window.lab.update_price('product1', 150));
    const svg = page.locator('svg[data-steps]');
    await svg.waitFor();
    const sizes = await svg.evaluate((el) => {
      const scale = el.getBoundingClientRect().width / el.viewBox.baseVal.width;
      const texts = [...el.querySelectorAll('text')].map((t) => Number(t.getAttribute('font-size')) * scale);
      const box = el.parentElement;
      return { smallest: Math.min(...texts), scrolls: box.scrollWidth > box.clientWidth };
    });
    assert.ok(sizes.smallest >= 11, `smallest text ${sizes.smallest.toFixed(1)} px`);
    assert.ok(sizes.scrolls, 'the diagram box scrolls sideways');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth + 1), 'the page itself does not');
    await svg.scrollIntoViewIfNeeded();
    await screenshot(page, 'diagram-phone-390', { fullPage: false });
  } finally {
    await page.evaluate(() => window.lab.set_pattern('write_through'));
    await page.setViewportSize({ width: 1280, height: 800 });
  }
  assert.deepEqual(errors, []);
});

test("On the wire for the console: the last command sent, its arguments as redis-cli split them, its frames", async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  const console_ = page.getByRole('region', { name: 'Redis console' });
  const input = page.getByLabel('Redis command');
  // Nothing sent yet: nothing to show.
  assert.equal(await console_.locator('summary', { hasText: 'On the wire' }).count(), 0);
  await input.fill('HSET product_prices "product 4" 400');
  await input.press('Enter');
  await console_.getByText('(integer) 1').waitFor();
  await input.fill('HGETALL product_prices');
  await input.press('Enter');
  await console_.locator('.console__output', { hasText: '"product 4"' }).waitFor();
  // redis-cli's own commands send nothing: the last command sent stays shown.
  await input.fill('help');
  await input.press('Enter');
  const summary = console_.locator('summary', { hasText: 'On the wire: the last command' });
  await summary.focus();
  await page.keyboard.press('Enter');
  const request = page.getByLabel("The console's last request");
  await request.waitFor();
  assert.equal(await request.textContent(), '*2\\r\\n\n$7\\r\\n\nHGETALL\\r\\n\n$14\\r\\n\nproduct_prices\\r\\n\n');
  // RESP2 answers a flat array, RESP3 a map.
  assert.match(await page.getByLabel("The console's last reply, RESP2").textContent(), /^\*8\\r\\n/);
  assert.match(await page.getByLabel("The console's last reply, RESP3").textContent(), /^%4\\r\\n/);
  // The quoted argument of the HSET before it arrives as one argument, without its quotes.
  await input.fill('HSET product_prices "product 4" 410');
  await input.press('Enter');
  await console_.getByText('(integer) 0').waitFor();
  await console_.locator('.wire__argv td code', { hasText: 'product 4' }).waitFor();
  assert.equal(await console_.locator('.wire__argv tbody tr').count(), 4);
  await console_.locator('.wire').scrollIntoViewIfNeeded();
  await screenshot(page, 'on-the-wire-console-1440', { fullPage: false });
  assert.deepEqual(errors, []);
});

test('On the wire: an arrow to Redis shows the bytes that travelled, RESP2 and RESP3', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByLabel('Product').selectOption('product1');
  await page.getByLabel('New price').fill('150');
  await page.getByRole('button', { name: 'Update price' }).click();
  const figure = page.getByRole('figure', { name: 'Sequence diagram' });
  // The arrow of the HSET step: the one whose label names it.
  const request = await openOnTheWire(page, /sends HSET product_prices product1 150/);
  assert.equal(request, hsetFrame('product1', '150'));
  assert.equal(await page.getByLabel('Reply frame, RESP2').textContent(), ':0\\r\\n\n');
  assert.equal(await page.locator('.wire__argv tbody tr').count(), 4);
  await page.locator('.wire').scrollIntoViewIfNeeded();
  await screenshot(page, 'on-the-wire-hset-1440', { fullPage: false });
  // On a phone it keeps its open state and fits the width.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('.wire').scrollIntoViewIfNeeded();
  const overflow = await page.locator('.wire').evaluate((el) => el.scrollWidth - el.clientWidth);
  assert.ok(overflow <= 1, `nothing sticks out sideways at 390 px (${overflow} px)`);
  await screenshot(page, 'on-the-wire-hset-390', { fullPage: false });
  await page.setViewportSize({ width: 1440, height: 900 });
  // A step that sends nothing to Redis says so.
  await figure.locator('[data-step="0"] .diagram__hit').click();
  await page.getByText('This step sends nothing to Redis').waitFor();
  assert.deepEqual(errors, []);
});
