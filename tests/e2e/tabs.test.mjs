// End to end: many tabs, one Redis. Every tab of the lab talks to the same Redis (a
// SharedWorker) and the same database (IndexedDB); the races between tabs are real, a lock
// across tabs prevents them, and closing every tab restarts Redis with an empty cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shareServerAndBrowser, launchBrowser, openLab, screenshot } from './harness.mjs';

const shared = shareServerAndBrowser();

const ready = (page) => page.waitForFunction(() => typeof window.lab?.update_price === 'function');
const cacheRegion = (page) => page.getByRole('region', { name: 'Redis cache' });
const badge = (page) => cacheRegion(page).getByRole('status', { name: 'Consistency' });

/** Opens `n` tabs of the lab in one browser, the first with both stores reset to the seed. */
async function tabs(context, url, n) {
  const out = [await openLab(context, url, { reset: true, newPage: true })];
  for (let i = 1; i < n; i += 1) out.push(await openLab(context, url, { newPage: true }));
  return out;
}

/** What the stores hold now, read by the tab: the shared cache, and the database read afresh. */
const stores = (page) => page.evaluate(async () => ({ cache: window.lab.cache(), database: await window.lab.database() }));

/**
 * What the shared stores hold for `product`, asked of them rather than of the tab's copy: the
 * tab's copy of the cache follows the other tab's writes a message later, so right after a race
 * it may still show a value the shared Redis has already overwritten.
 */
const sharedTruth = (page, product) =>
  page.evaluate(async (product) => {
    const reply = await window.lab.execute_command(`HGET product_prices ${product}`);
    const database = await window.lab.database();
    return { cache: JSON.parse(reply.trim()), database: database[product] };
  }, product);

async function closeAll(opened) {
  for (const { page } of opened) await page.close();
}

test('a write-through update in one tab is in the other tab\'s cache at once, and its badge says in step', async () => {
  const opened = await tabs(shared.browser.context, shared.server.url, 2);
  const [a, b] = opened.map((o) => o.page);
  await a.evaluate(() => window.lab.update_price('product3', 333));
  const asked = Date.now();
  // No reload: the same Redis, and the row from the database as tab A committed it.
  await cacheRegion(b).getByRole('row', { name: /product3 333/ }).waitFor({ timeout: 500 });
  await badge(b).getByText('In step').waitFor({ timeout: 500 });
  console.log(`# tab B showed tab A's write after ${Date.now() - asked} ms`);
  await b.getByRole('region', { name: 'Database' }).getByRole('row', { name: /product3 333/ }).waitFor();
  await screenshot(b, 'tabs-other-tab-wrote', { fullPage: false });
  for (const { errors } of opened) assert.deepEqual(errors, []);
  await closeAll(opened);
});

test('a console HSET in one tab is what lab.cache() reads in another', async () => {
  const opened = await tabs(shared.browser.context, shared.server.url, 3);
  const [a, b, c] = opened.map((o) => o.page);
  const input = b.getByLabel('Redis command', { exact: true });
  await input.fill('HSET product_prices product2 222');
  await input.press('Enter');
  await b.getByRole('log', { name: 'Console output' }).getByText('(integer) 0').waitFor();
  for (const page of [a, c]) {
    assert.equal((await page.evaluate(() => window.lab.cache())).product2, '222');
    await cacheRegion(page).getByRole('row', { name: /product2 222/ }).waitFor();
  }
  // The console wrote only the cache: every tab's badge says so.
  for (const page of [a, b, c]) {
    await badge(page).getByText('Diverged: product2 (cache 222, database 200)').waitFor();
  }
  for (const { errors } of opened) assert.deepEqual(errors, []);
  await closeAll(opened);
});

/** Two tabs update product3 `n` times each, at once; resolves with each tab's acknowledged prices. */
async function race(a, b, n) {
  const run = (page, base) =>
    page.evaluate(
      async ([n, base]) => {
        const acked = [];
        for (let i = 0; i < n; i += 1) {
          const trace = await window.lab.update_price('product3', base + i);
          if (trace.outcome.status === 'completed') acked.push(String(base + i));
        }
        return acked;
      },
      [n, base],
    );
  return Promise.all([run(a, 1000), run(b, 2000)]);
}

test('two tabs x 40 updates of one product with per-key ordering: the cache equals the database in both', async () => {
  const opened = await tabs(shared.browser.context, shared.server.url, 2);
  const [a, b] = opened.map((o) => o.page);
  for (const page of [a, b]) assert.equal(await page.evaluate(() => window.lab.set_per_key_ordering(true)), true);
  const [ackedA, ackedB] = await race(a, b, 40);
  assert.equal(ackedA.length + ackedB.length, 80);
  for (const page of [a, b]) {
    const { cache, database } = await sharedTruth(page, 'product3');
    assert.equal(cache, database, 'per-key ordering keeps them equal');
    assert.ok([ackedA.at(-1), ackedB.at(-1)].includes(database), `the last write of one tab: ${database}`);
    await badge(page).getByText('In step').waitFor();
  }
  // A trace shows the wait for the other tab's lock.
  const waits = await a.evaluate(async () => {
    const trace = await window.lab.update_price('product3', 999);
    return trace.steps.filter((s) => s.kind === 'wait').map((s) => s.result);
  });
  assert.ok(waits.includes('acquired'), JSON.stringify(waits));
  await screenshot(a, 'tabs-ordered', { fullPage: false });
  for (const { errors } of opened) assert.deepEqual(errors, []);
  await closeAll(opened);
});

test('without ordering the tabs race for real, and every badge tells the truth about the shared stores', async () => {
  const opened = await tabs(shared.browser.context, shared.server.url, 2);
  const [a, b] = opened.map((o) => o.page);
  const [ackedA, ackedB] = await race(a, b, 40);
  assert.equal(ackedA.length + ackedB.length, 80);
  for (const page of [a, b]) {
    const { cache, database } = await sharedTruth(page, 'product3');
    assert.ok([ackedA.at(-1), ackedB.at(-1)].includes(database));
    const truth = cache === database ? 'In step' : `Diverged: product3 (cache ${cache}, database ${database})`;
    await badge(page).getByText(truth).waitFor();
  }
  // Some trace of the race shows the other tab's steps between its own.
  const others = await a.evaluate(async () => {
    const trace = await window.lab.update_price('product1', 101);
    return trace.steps.length;
  });
  assert.ok(others >= 5);
  await screenshot(b, 'tabs-race', { fullPage: false });
  for (const { errors } of opened) assert.deepEqual(errors, []);
  await closeAll(opened);
});

test('a trace shows another tab\'s write that landed while it waited for the lock', async () => {
  const opened = await tabs(shared.browser.context, shared.server.url, 2);
  const [a, b] = opened.map((o) => o.page);
  await a.evaluate(() => window.lab.set_per_key_ordering(true));
  // Tab B holds product1's lock (as its own update would) and writes the cache meanwhile.
  await b.evaluate(
    () =>
      new Promise((held) => {
        navigator.locks.request('write-through-lab/product/product1', () => new Promise((release) => {
          window.releaseProduct1 = release;
          held();
        }));
      }),
  );
  await a.evaluate(() => {
    window.pending = window.lab.update_price('product1', 150);
  });
  await a.getByRole('status', { name: 'Stage mode' }).waitFor();
  await b.evaluate(() => window.lab.execute_command('HSET product_prices product1 999'));
  await b.evaluate(() => window.releaseProduct1());
  const trace = await a.evaluate(() => window.pending);
  assert.deepEqual(
    trace.steps.map((s) => `${s.kind} ${s.result}`).slice(0, 4),
    ['validate ok', 'wait waiting: another tab holds it', 'other_tab (integer) 0', trace.steps[3].kind === 'wait' ? `wait ${trace.steps[3].result}` : 'missing'],
  );
  assert.match(trace.steps[3].result, /^acquired after \d+ ms$/);
  assert.equal(trace.steps.at(-1).consistency.in_step, true);
  // Step to the other tab's write: its arrow comes from "Another tab" in the diagram.
  await a.keyboard.press('Escape');
  await a.getByRole('region', { name: 'Last operation' }).getByRole('button', { name: /Meanwhile another tab sends HSET product_prices product1 999/ }).click();
  await a.getByLabel('Narration').getByText(/Step 3 of \d+ — Meanwhile another tab sends HSET product_prices product1 999/).waitFor();
  await a.getByRole('figure', { name: 'Sequence diagram' }).getByText('Another tab').first().waitFor();
  await screenshot(a, 'tabs-other-tab-step', { fullPage: false });
  for (const { errors } of opened) assert.deepEqual(errors, []);
  await closeAll(opened);
});

test('closing every tab restarts Redis empty; the next tab warms it, and the database kept every write', async () => {
  const browser = await launchBrowser();
  try {
    const opened = await tabs(browser.context, shared.server.url, 2);
    await opened[0].page.evaluate(() => window.lab.update_price('product2', 250));
    await opened[1].page.evaluate(() => window.lab.update_price('product1', 150));
    await closeAll(opened);
    const { page, errors } = await openLab(browser.context, shared.server.url, { newPage: true });
    await page.getByRole('status').getByText(/Redis started with an empty cache/).waitFor();
    const { cache, database } = await stores(page);
    assert.equal(database.product1, '150');
    assert.equal(database.product2, '250');
    assert.deepEqual(cache, database, 'warmed from the database');
    await page.getByRole('button', { name: 'Open the warm-up (Redis started empty)' }).click();
    await page.getByRole('region', { name: 'Last operation' }).getByText(/warming the empty cache/).waitFor();
    await screenshot(page, 'tabs-cold-start', { fullPage: false });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('without SharedWorker a leader tab runs the shared Redis, and another takes over when it closes', async () => {
  const browser = await launchBrowser();
  try {
    await browser.context.addInitScript(() => {
      delete window.SharedWorker;
    });
    // A fresh browser: the first tab leads and warms the empty cache (a reset would replace the
    // warmed stores, and the warm-up's note with them); the others say how they share it.
    const opened = [await openLab(browser.context, shared.server.url, { newPage: true })];
    await opened[0].page.getByRole('status').getByText(/Redis started with an empty cache/).waitFor();
    for (let i = 1; i < 3; i += 1) opened.push(await openLab(browser.context, shared.server.url, { newPage: true }));
    const [a, b, c] = opened.map((o) => o.page);
    for (const page of [b, c]) {
      await page.getByRole('status').getByText(/one tab, elected with Web Locks, runs the Redis all tabs share/).waitFor();
    }
    // A console command in B (a follower) reaches the leader (A) and every replica.
    assert.equal(await b.evaluate(() => window.lab.execute_command('HSET product_prices product2 222')), '(integer) 0\n');
    for (const page of [a, c]) assert.equal((await page.evaluate(() => window.lab.cache())).product2, '222');
    await a.evaluate(() => window.lab.update_price('product3', 333));
    for (const page of [b, c]) await cacheRegion(page).getByRole('row', { name: /product3 333/ }).waitFor();

    // The leader's tab closes: B or C takes over with its copy of the keys.
    await a.close();
    for (const page of [b, c]) {
      await page.getByRole('status').getByText(/another tab took over with its copy of the keys/).waitFor();
    }
    assert.equal(await c.evaluate(() => window.lab.execute_command('HGET product_prices product2')), '"222"\n');
    assert.equal(await b.evaluate(() => window.lab.execute_command('HSET product_prices product1 111')), '(integer) 0\n');
    assert.equal((await c.evaluate(() => window.lab.cache())).product1, '111');
    for (const { errors } of opened.slice(1)) assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
