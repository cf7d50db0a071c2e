// End to end: long programs (issue #22). A loop of 10,000 iterations runs to its end, its
// stores end where the program left them, the page gets it folded into a few steps (one of
// which opens to list every operation), the diagram is one tab stop whose arrows the arrow keys
// walk, and the editor still takes keystrokes after the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shareServerAndBrowser, openLab, screenshot } from './harness.mjs';

const shared = shareServerAndBrowser();

const LOOP =
  "import redis\nredis_client = redis.Redis()\nfor i in range(10000):\n    redis_client.hset('product_prices', 'product1', i)\n";

async function openEditor(page) {
  const app = page.getByRole('region', { name: 'Application' });
  await app.getByRole('button', { name: 'Your Python' }).click();
  const editor = page.getByLabel('Python code');
  await editor.waitFor();
  await app.getByText('Python 3 (RustPython) ready').waitFor({ timeout: 60_000 });
  return { app, editor };
}

test('a loop of 10,000 iterations runs to its end, folded into one step that opens', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  const { app, editor } = await openEditor(page);
  await editor.fill(LOOP);
  await app.getByRole('button', { name: 'Run' }).click();
  const steps = page.getByRole('region', { name: 'Last operation' });
  await steps.getByText('Lines 3–4 ran 9,996 more times', { exact: false }).waitFor({ timeout: 60_000 });
  // Every iteration was applied: the cache holds the last one.
  assert.equal(await page.evaluate(() => window.lab.cache().product1), '9999');
  const output = page.getByRole('region', { name: 'Output' });
  assert.equal(await output.getByText('Stopped').count(), 0);

  // The folded step opens, a page of operations at a time, in program order.
  const fold = steps.locator('.fold');
  await fold.locator('summary').click();
  await fold.getByText('Operations 1–50 of 9,996').waitFor();
  assert.equal(await fold.locator('.fold__row').first().locator('code').innerText(), 'HSET product_prices product1 2');
  await fold.getByRole('button', { name: 'Last' }).click();
  await fold.getByText('Operations 9,951–9,996 of 9,996').waitFor();
  assert.equal(await fold.locator('.fold__row').last().locator('code').innerText(), 'HSET product_prices product1 9997');

  // The stage can go to the end in one move.
  await page.getByRole('button', { name: 'Skip to the end' }).click();
  await page.getByRole('status', { name: 'Consistency' }).waitFor();
  await screenshot(page, 'long-run-folded-1440', { fullPage: false });

  // The diagram is one tab stop; the arrow keys move between its arrows, Enter goes there.
  const diagram = page.getByRole('figure', { name: 'Sequence diagram' });
  assert.equal(await diagram.locator('.diagram__hit[tabindex="0"]').count(), 1);
  const stop = diagram.locator('.diagram__hit[tabindex="0"]');
  await stop.focus();
  await page.keyboard.press('Home');
  const focused = () => page.evaluate(() => document.activeElement?.closest('[data-step]')?.getAttribute('data-step'));
  assert.equal(await focused(), '0');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await focused(), '2');
  assert.equal(await diagram.locator('.diagram__hit[tabindex="0"]').count(), 1);
  await page.keyboard.press('Enter');
  await page.getByLabel('Narration').getByText(/^Step 3 of /).waitFor();

  // A keystroke in the editor after the run shows in it.
  await editor.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('# done');
  assert.match(await editor.inputValue(), /# done$/);

  await page.setViewportSize({ width: 390, height: 844 });
  await steps.scrollIntoViewIfNeeded();
  await screenshot(page, 'long-run-folded-390', { fullPage: false });
  assert.deepEqual(errors, []);
});

test('a long run that does not repeat is cut in its middle, and the diagram draws only what is seen', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  await openEditor(page);
  // The branch taken follows i*i mod 101: no iteration pattern shorter than 101 repeats.
  const source =
    "import redis\nr = redis.Redis()\nfor i in range(3000):\n    if i * i % 101 < 50:\n        r.hset('product_prices', 'product2', i)\n    else:\n        database['product2'] = str(i)\n";
  const kinds = await page.evaluate(
    async (s) => (await window.lab.run_python(s)).trace.steps.map((step) => (step.folded?.cut ? 'cut' : step.kind)),
    source,
  );
  const cut = kinds.indexOf('cut');
  assert.ok(cut > 0, 'the middle is one folded step');
  // The stores end as the program left them: the last iteration (2999) wrote the database.
  assert.equal((await page.evaluate(() => window.lab.database())).product2, '2999');
  const diagram = page.getByRole('figure', { name: 'Sequence diagram' });
  const total = Number(await diagram.locator('svg').getAttribute('data-steps'));
  assert.equal(total, kinds.length);
  assert.ok(total > 500, `a long trace: ${total} steps`);
  const drawn = await diagram.locator('[data-step]').count();
  assert.ok(drawn < 100, `only the rows in view are drawn: ${drawn} of ${total}`);
  const elements = await page.evaluate(() => document.querySelectorAll('.diagram *').length);
  assert.ok(elements <= 2000, `${elements} elements in the diagram`);

  // The scrubber goes to the cut: the steps list says what was left out, and opens it.
  await page.getByRole('button', { name: 'Pause' }).click().catch(() => {});
  await page.getByLabel('Step', { exact: true }).fill(String(cut + 1));
  const steps = page.getByRole('region', { name: 'Last operation' });
  await steps.getByText(/steps \(lines 3–7\) are not drawn one by one/).waitFor();
  await steps.locator('.last-trace__step--current .fold summary').click();
  await steps.getByText(/^Operations 1–50 of /).waitFor();
  // Around the cut, the list shows its neighbours and a way to the others.
  await steps.getByRole('button', { name: /earlier steps \(go to step \d+\)/ }).waitFor();
  await steps.getByRole('button', { name: /later steps \(go to step \d+\)/ }).waitFor();
  assert.ok((await steps.locator('.last-trace__step').count()) <= 51);
  // The diagram followed the cursor: the cut's arrow is drawn and current.
  await diagram.locator(`[data-step="${cut}"].diagram__arrow--current`).waitFor();
  await screenshot(page, 'long-run-cut-1440', { fullPage: false });
  // Scrolled to the top, the diagram draws the first rows.
  await diagram.locator('.diagram__scroll').evaluate((el) => { el.scrollTop = 0; el.dispatchEvent(new Event('scroll')); });
  await diagram.locator('[data-step="0"]').waitFor();
  assert.deepEqual(errors, []);
});
