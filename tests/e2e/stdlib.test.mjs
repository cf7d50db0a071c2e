// End to end: the learner's standard library in the browser (issue #26). Every program of
// tests/stdlib/ runs through window.lab.run_python in the built page, in the interpreter's
// worker, and prints what CPython printed (tests/stdlib/NAME.out, scripts/record-stdlib.sh);
// then a learner's program with json and random runs from the editor like a person would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { shareServerAndBrowser, openLab, screenshot } from './harness.mjs';

const shared = shareServerAndBrowser();
const corpus = join(import.meta.dirname, '..', 'stdlib');

/** The program's own output: the lab's notices (lines beginning "[lab] ") are not CPython's. */
const printed = (output) =>
  output
    .split('\n')
    .filter((line) => !line.startsWith('[lab] '))
    .join('\n');

test('every program of the corpus prints in Chromium what CPython printed', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  const names = (await readdir(corpus)).filter((f) => f.endsWith('.py')).sort();
  assert.ok(names.length >= 13, `${names.length} programs`);
  const differ = [];
  for (const name of names) {
    const source = await readFile(join(corpus, name), 'utf8');
    const expected = await readFile(join(corpus, name.replace(/\.py$/, '.out')), 'utf8');
    const got = await page.evaluate(
      (s) => window.lab.run_python(s).then((r) => r.output, (e) => `raised: ${e.message}`),
      source,
    );
    if (printed(got) !== expected) differ.push(`${name}:\n--- CPython\n${expected}\n--- lab\n${got}`);
  }
  assert.deepEqual(differ, []);
  assert.deepEqual(errors, []);
});

test('from the editor: a product cached as JSON, random prices, and a module the lab cannot offer', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  const app = page.getByRole('region', { name: 'Application' });
  await app.getByRole('button', { name: 'Your Python' }).click();
  const editor = page.getByLabel('Python code');
  await editor.waitFor();
  await app.getByText('Python 3 (RustPython) ready').waitFor({ timeout: 60_000 });
  await editor.fill(
    [
      'import json, random',
      'import redis',
      "redis_client = redis.Redis(decode_responses=True)",
      'random.seed(7)',
      "product = {'id': 'product1', 'price': random.randint(100, 200)}",
      "redis_client.hset('product_json', 'product1', json.dumps(product))",
      "database['product1'] = product['price']",
      "print(json.loads(redis_client.hget('product_json', 'product1')))",
      'import socket',
    ].join('\n'),
  );
  await page.keyboard.press('Control+Enter');
  const output = page.getByRole('region', { name: 'Output' });
  // CPython 3.11: random.seed(7); random.randint(100, 200) == 141.
  await output.getByText("{'id': 'product1', 'price': 141}").waitFor();
  await output.getByText("module 'socket' is not available: the lab runs your Python in the browser, with no network").waitFor();
  assert.equal((await page.evaluate(() => window.lab.database())).product1, '141');
  await screenshot(page, 'stdlib-json-random-1440');
  assert.deepEqual(errors, []);
});
