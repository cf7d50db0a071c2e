// End to end: rough edges a new learner met (issue #23, first part): the Redis console scrolls
// to its newest reply, and a playback button with nowhere to go keeps the keyboard's focus.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shareServerAndBrowser, openLab, screenshot } from './harness.mjs';

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
