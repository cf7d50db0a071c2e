// End to end in every engine: the same tests drive Chromium, Firefox ESR and WebKitGTK through
// the thin driver layer in engines.mjs (WTL_ENGINES picks some; all three by default). They cover
// the lesson, the learner's Python, the console, the diagram and playback, two tabs, the database
// across a reload and an offline start.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, seedProgram } from './harness.mjs';
import { engines, launchEngine } from './engines.mjs';

const SEED = { product1: '100', product2: '200', product3: '300' };
const ready = () => typeof window.lab?.update_price === 'function';

/** Whether an element labelled `label` (aria-label) holds `text`; run in the page. */
function labelledHas({ label, text }) {
  return [...document.querySelectorAll(`[aria-label="${label}"]`)].some((el) => el.textContent.includes(text));
}
const waitText = (tab, label, text, timeout) => tab.waitFor(labelledHas, { label, text }, timeout);

for (const engine of engines) {
  describe(engine, () => {
    let server;
    let browser;
    let tab;
    before(async () => {
      server = await serveDist();
      browser = await launchEngine(engine);
      tab = await browser.newTab(server.url);
      await tab.waitFor(ready);
      await tab.viewport(1440, 900);
    });
    after(async () => {
      await browser?.close();
      await server?.close();
    });
    /** Each test starts from the seed stores, write-through, no faults; ends with no page error. */
    const fresh = async () => {
      await tab.evaluate(async () => {
        window.lab.set_pattern('write_through');
        window.lab.set_faults({});
        await window.lab.reset();
      });
      assert.deepEqual(tab.errors, []);
    };

    test('the page shows the three actors and the seed catalog, read from IndexedDB', async () => {
      await fresh();
      for (const name of ['Application', 'Redis cache', 'Database']) {
        assert.ok(await tab.evaluate((n) => !!document.querySelector(`section[aria-label="${n}"]`), name), name);
      }
      assert.deepEqual(await tab.evaluate(() => window.lab.cache()), SEED);
      assert.deepEqual(await tab.evaluate(() => window.lab.database()), SEED);
      await tab.screenshot(`engine-${engine}-playground-1440`);
    });

    test('the form writes both stores through, and playback steps through the trace', async () => {
      await fresh();
      await tab.select({ label: 'Product' }, 'product1');
      await tab.fill({ label: 'New price' }, '150');
      await tab.click({ role: 'button', name: 'Update price' });
      await waitText(tab, 'Narration', 'of 5');
      // Home pauses playback at the first step, to drive it by hand.
      await tab.press('Home');
      await waitText(tab, 'Narration', 'Step 1 of 5');
      await tab.click({ role: 'button', name: 'Next step' });
      await waitText(tab, 'Narration', 'Step 2 of 5 — The database commits product1 = 150');
      await tab.click({ role: 'button', name: 'Last step' });
      await waitText(tab, 'Narration', 'Step 5 of 5 — Both stores hold product1 = 150');
      // The disabled Last step keeps the focus: the arrow key still steps back.
      assert.equal(await tab.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent), 'Last step');
      await tab.press('ArrowLeft');
      await waitText(tab, 'Narration', 'Step 4 of 5 — Redis sets product1 to 150');
      assert.equal(await tab.evaluate(() => window.lab.cache().product1), '150');
      assert.equal((await tab.evaluate(() => window.lab.database())).product1, '150');
    });

    test('a bad price gets a message next to the field and changes nothing', async () => {
      await fresh();
      await tab.fill({ label: 'New price' }, '-5');
      await tab.click({ role: 'button', name: 'Update price' });
      await tab.waitFor(() =>
        [...document.querySelectorAll('[role="alert"]')].some((e) => e.textContent.includes('A price cannot be negative.')),
      );
      assert.deepEqual(await tab.evaluate(() => window.lab.cache()), SEED);
      assert.deepEqual(await tab.evaluate(() => window.lab.database()), SEED);
    });

    test('a failed database write is shown and leaves the two stores consistent', async () => {
      await fresh();
      const why = await tab.evaluate(async () => {
        window.lab.set_faults({ database_write: true });
        return window.lab.update_price('product2', 250).then(() => 'resolved', (e) => e.message);
      });
      assert.match(why, /database/i);
      await waitText(tab, 'Last operation', 'update_price("product2", "250")');
      assert.deepEqual(await tab.evaluate(() => window.lab.cache()), SEED);
      assert.deepEqual(await tab.evaluate(() => window.lab.database()), SEED);
    });

    test('the Redis console answers as redis-cli, errors included, and scrolls to its newest reply', async () => {
      await fresh();
      await tab.fill({ label: 'Redis command' }, 'HGETALL product_prices');
      await tab.press('Enter');
      await tab.waitFor(() => document.querySelector('.console__screen')?.textContent.includes('6) "300"'));
      await tab.fill({ label: 'Redis command' }, 'HSET product_prices');
      await tab.press('Enter');
      await tab.waitFor(() =>
        document.querySelector('.console__screen')?.textContent.includes("(error) ERR wrong number of arguments for 'hset' command"),
      );
      // The newest line is in view: the log is scrolled to its end.
      await tab.waitFor(() => {
        const log = document.querySelector('.console__screen');
        return log && log.scrollTop + log.clientHeight >= log.scrollHeight - 2;
      });
      assert.equal(await tab.evaluate(() => window.lab.execute_command('HSET product_prices "product 4" \'4\'')), '(integer) 1\n');
      assert.equal(await tab.evaluate(() => window.lab.execute_command('HGET product_prices "product 4"')), '"4"\n');
    });

    test('lesson step 1: the hash is made in the console and checked', async () => {
      await fresh();
      await tab.evaluate(() => {
        localStorage.removeItem('write-through-lab.lesson');
      });
      await tab.reload();
      await tab.waitFor(ready);
      await tab.click({ role: 'button', name: { re: '^Start (the lesson|over) \\(empties both stores\\)$' }, within: 'Lesson' });
      await waitText(tab, 'Lesson', 'Both stores are empty');
      await tab.fill({ label: 'Redis command' }, 'HMSET product_prices product1 100 product2 200 product3 300');
      await tab.press('Enter');
      // Redis answered before the check reads the hash (the console's command goes through the
      // shared Redis's worker: on a slow engine it may still be on its way).
      await waitText(tab, 'Console output', 'OK');
      await tab.click({ role: 'button', name: 'Check the hash', within: 'Lesson' });
      await waitText(tab, 'Lesson', 'Progress 1/4');
    });

    test('lesson steps 2 to 4 are checked by running the learner\'s Python', async () => {
      await fresh();
      const step2 = await tab.evaluate(() => window.lab.check_step(2, "database = {'product1': 100, 'product2': 200, 'product3': 300}"));
      assert.equal(step2.passed, true, step2.message);
      const wrong = await tab.evaluate(() =>
        window.lab.check_step(
          3,
          'def update_price(product, new_price):\n    redis_command = f"HSET product_prices {new_price} {product}"\n    database[product] = new_price\n',
        ),
      );
      assert.equal(wrong.passed, false);
      assert.match(wrong.message, /HSET product_prices product1 150/);
      const step4 = await tab.evaluate(() =>
        window.lab.check_step(
          4,
          'def update_price(product, new_price):\n    redis_command = f"HSET product_prices {product} {new_price}"\n    redis_client.execute_command(redis_command)\n    database[product] = new_price\n',
        ),
      );
      assert.equal(step4.passed, true, step4.message);
    });

    test("the tutorial's program runs as real Python and writes both stores", async () => {
      await fresh();
      const { output, trace } = await tab.evaluate((source) => window.lab.run_python(source), `print("hello", 6 * 7)\n${seedProgram(175)}`);
      assert.match(output, /hello 42/);
      assert.ok(trace.steps.length >= 5);
      assert.equal(await tab.evaluate(() => window.lab.cache().product1), '175');
      assert.equal((await tab.evaluate(() => window.lab.database())).product1, '175');
    });

    test('a wrong program shows its traceback, and what ran before stays done', async () => {
      await fresh();
      const why = await tab.evaluate(() =>
        window.lab.run_python("database['product3'] = 301\nprint(1 / 0)").then(() => 'ran', (e) => e.message),
      );
      assert.match(why, /ZeroDivisionError: division by zero/);
      assert.equal((await tab.evaluate(() => window.lab.database())).product3, '301');
    });

    test('the editor: open it, type a program, run it with Ctrl+Enter', async () => {
      await fresh();
      await tab.click({ role: 'button', name: 'Your Python', within: 'Application' });
      await tab.fill({ label: 'Python code' }, "database['product2'] = 222\nprint('done', database['product2'])");
      await tab.press('Control+Enter');
      await waitText(tab, 'Output', 'done 222');
      assert.equal((await tab.evaluate(() => window.lab.database())).product2, '222');
      await tab.screenshot(`engine-${engine}-python-1440`);
    });

    test('the diagram draws one arrow per step and goes to a clicked step', async () => {
      await fresh();
      await tab.evaluate(() => window.lab.update_price('product3', 333));
      await waitText(tab, 'Last operation', 'update_price("product3", "333")');
      await tab.waitFor(() => document.querySelector('svg [data-step]'));
      assert.equal(await tab.evaluate(() => document.querySelector('svg[data-steps]').getAttribute('data-steps')), '5');
      await tab.evaluate(() => document.querySelector('[data-step="3"] .diagram__hit').dispatchEvent(new MouseEvent('click', { bubbles: true })));
      await waitText(tab, 'Narration', 'Step 4 of 5 — Redis sets product3 to 333');
    });

    test('two writers race on product1: stale without ordering, consistent with it', async () => {
      await fresh();
      const stale = await tab.evaluate(() =>
        window.lab.race({ pattern: 'write_through', per_key_ordering: false, interleaving: ['A', 'B', 'B', 'A'] }),
      );
      assert.equal(stale.steps.at(-1).consistency.in_step, false);
      const ordered = await tab.evaluate(() =>
        window.lab.race({ pattern: 'write_through', per_key_ordering: true, interleaving: ['A', 'B', 'B', 'A'] }),
      );
      assert.equal(ordered.steps.at(-1).consistency.in_step, true);
    });

    test("a challenge checks the tutorial's function under faults and finds its counterexample", async () => {
      await fresh();
      const result = await tab.evaluate((source) => window.lab.check_challenge('database-refuses', source), seedProgram(150));
      assert.equal(result.passed, false);
      assert.ok(result.counterexample?.steps.length > 0);
    });

    test('a write in one tab is in the other tab at once: one Redis, one database', async () => {
      await fresh();
      const other = await browser.newTab(server.url);
      try {
        await other.waitFor(ready);
        await tab.evaluate(() => window.lab.execute_command('HSET product_prices product2 777'));
        await other.waitFor(() => window.lab.cache().product2 === '777');
        await other.evaluate(() => window.lab.update_price('product3', 303));
        await tab.waitFor(async () => (await window.lab.database()).product3 === '303');
        await tab.waitFor(() => window.lab.cache().product3 === '303');
      } finally {
        await other.close();
      }
    });

    test('the database keeps a write across a reload', async () => {
      await fresh();
      await tab.evaluate(() => window.lab.update_price('product1', 123));
      await tab.reload();
      await tab.waitFor(ready);
      assert.equal((await tab.evaluate(() => window.lab.database())).product1, '123');
    });

    test('at 390×844 (WebKit: 447) the page fits a phone: no sideways scroll', async () => {
      await fresh();
      await tab.viewport(390, 844);
      try {
        // MiniBrowser's window is at least 447 px wide (its toolbar): WebKit is checked there.
        await tab.waitFor((most) => innerWidth <= most, engine === 'webkit' ? 450 : 390);
        assert.ok(await tab.evaluate(() => document.documentElement.scrollWidth <= innerWidth + 1));
        await tab.screenshot(`engine-${engine}-playground-390`);
      } finally {
        await tab.viewport(1440, 900);
      }
    });

    test('after one visit the lab starts with its server gone, and writes both stores', async () => {
      // A server of its own (another origin): stopping it leaves the other tests' server alone.
      const own = await serveDist();
      const offline = await browser.newTab(own.url);
      try {
        await offline.waitFor(ready);
        await offline.waitFor(() => navigator.serviceWorker?.controller != null, undefined, 30_000);
        await own.close();
        await offline.reload();
        await offline.waitFor(ready);
        await offline.evaluate(() => window.lab.update_price('product2', 222));
        assert.equal((await offline.evaluate(() => window.lab.database())).product2, '222');
        assert.equal(await offline.evaluate(() => window.lab.cache().product2), '222');
      } finally {
        await offline.close();
        await own.close().catch(() => {});
      }
    });
  });
}
