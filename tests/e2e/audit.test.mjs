// End to end: an accessibility audit (axe-core) and the page's defences against untrusted text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { shareServerAndBrowser, openLab, screenshot } from './harness.mjs';

const require = createRequire(import.meta.url);
const shared = shareServerAndBrowser();


/** Runs axe-core on the page; returns the serious and critical violations. */
async function audit(page) {
  const source = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  // Evaluated through the DevTools protocol, which the page's CSP does not govern.
  await page.evaluate(source);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

test('axe finds no serious or critical accessibility violation, idle and mid-trace', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  assert.deepEqual(await audit(page), []);
  await page.getByLabel('New price', { exact: true }).fill('150');
  await page.getByRole('button', { name: 'Update price' }).click();
  await page.getByRole('button', { name: 'Next step' }).click();
  assert.deepEqual(await audit(page), []);
  await page.setViewportSize({ width: 375, height: 800 });
  assert.deepEqual(await audit(page), []);
  await page.setViewportSize({ width: 1280, height: 800 });
  assert.deepEqual(errors, []);
});

test('axe finds none either after the console, a Python run, a race, a read, On the wire and a challenge', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  // The console, used until its transcript scrolls.
  const input = page.getByLabel('Redis command');
  for (let i = 0; i < 3; i += 1) {
    await input.fill('HGETALL product_prices');
    await input.press('Enter');
  }
  await page.getByRole('log', { name: 'Console output' }).locator('.console__entry').nth(2).waitFor();
  assert.deepEqual(await audit(page), [], 'after the console');
  // A Python run, from the editor.
  await page.getByRole('region', { name: 'Application' }).getByRole('button', { name: 'Your Python' }).click();
  await page.getByLabel('Python code').fill("for i in range(30):\n    print('line', i)\ndatabase['product2'] = 222\n");
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.getByRole('region', { name: 'Output' }).getByText('line 29').waitFor({ timeout: 60_000 });
  assert.deepEqual(await audit(page), [], 'after a Python run');
  // A read through the cache, and a stray field offered for removal.
  await page.getByRole('button', { name: 'Read price' }).click();
  await page.getByRole('region', { name: 'Last operation' }).getByRole('heading', { name: /get_price/ }).waitFor();
  await input.fill('HSET product_prices {product} 1');
  await input.press('Enter');
  await page.getByRole('button', { name: 'Remove stray fields' }).waitFor();
  assert.deepEqual(await audit(page), [], 'after a read and a stray field');
  // A command's bytes, opened beside the diagram.
  await page.getByRole('figure', { name: 'Sequence diagram' }).getByRole('button', { name: /sends HGET/ }).first().click();
  await page.locator('summary', { hasText: /^On the wire$/ }).click();
  await page.getByLabel('Request frame').waitFor();
  assert.deepEqual(await audit(page), [], 'with On the wire open');
  // A race, paused on its prediction.
  await page.getByRole('tab', { name: 'Two writers' }).click();
  await page.getByRole('button', { name: 'Run the race' }).click();
  await page.getByRole('status', { name: 'Race result' }).waitFor();
  assert.deepEqual(await audit(page), [], 'after a race');
  // A challenge checked, its counterexample on the stage.
  await page.getByRole('tab', { name: 'Playground' }).click();
  const verdict = await page.evaluate(() =>
    window.lab.check_challenge('database-refuses', "import redis\nredis_client = redis.Redis(host='localhost', port=6379, db=0)\n\ndef update_price(product, new_price):\n    redis_client.execute_command(f'HSET product_prices {product} {new_price}')\n    database[product] = new_price\n"),
  );
  assert.equal(verdict.passed, false);
  await page.getByRole('status', { name: 'Stage mode' }).getByText(/^Checker/).waitFor();
  assert.deepEqual(await audit(page), [], 'after a challenge');
  await page.evaluate(() => window.lab.reset());
  assert.deepEqual(errors, []);
});

test('untrusted names show as text and run nothing; the page keeps to its CSP', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  const violations = [];
  await page.exposeFunction('reportViolation', (v) => violations.push(v));
  await page.evaluate(() => document.addEventListener('securitypolicyviolation', (e) => window.reportViolation(`${e.violatedDirective} ${e.blockedURI}`)));
  let dialogs = 0;
  page.on('dialog', async (d) => {
    dialogs += 1;
    await d.dismiss();
  });
  const evil = '<img src=x onerror=alert(1)>';
  const input = page.getByLabel('Redis command');
  await input.fill(`HSET product_prices "${evil}" 5`);
  await input.press('Enter');
  const cache = page.getByRole('region', { name: 'Redis cache' });
  await cache.getByText(evil, { exact: true }).waitFor();
  assert.equal(await page.locator('img[src="x"]').count(), 0, 'no element was made from the name');
  await page.getByRole('log', { name: 'Console output' }).getByText('(integer) 1').waitFor();
  await screenshot(page, 'untrusted-name');
  assert.equal(dialogs, 0);

  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  await page.evaluate(() => window.lab.execute_command('HDEL product_prices "<img src=x onerror=alert(1)>"'));
  assert.deepEqual(violations, []);
  assert.deepEqual(errors, []);
});
