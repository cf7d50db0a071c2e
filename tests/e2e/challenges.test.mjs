// End to end: the Challenges panel (issue #21). A learner opens a challenge, checks the trap it
// starts with, steps through the schedule that broke it on the stage, climbs the hints, fails
// with answers of their own, is offered a solution, fixes their code and passes; the progress
// and their code survive a reload, and a link opens a challenge with its starter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shareServerAndBrowser, openLab, forgetLesson, screenshot } from './harness.mjs';

const shared = shareServerAndBrowser();

const HEADER = "import redis\nredis_client = redis.Redis(host='localhost', port=6379, db=0)\n\n";
const SILENT = `${HEADER}def update_price(product, new_price):\n    try:\n        database[product] = new_price\n    except Exception:\n        return\n    redis_client.hset('product_prices', product, new_price)\n`;
const HARD_CODED = `${HEADER}def update_price(product, new_price):\n    database['product1'] = new_price\n    redis_client.hset('product_prices', 'product1', new_price)\n`;
const FIXED = `${HEADER}def update_price(product, new_price):\n    database[product] = new_price\n    redis_client.hset('product_prices', product, new_price)\n`;

/** Whether `locator`'s box lies inside the viewport. */
async function onScreen(page, locator) {
  const box = await locator.boundingBox();
  const { width, height } = page.viewportSize();
  return box !== null && box.x >= 0 && box.y >= 0 && box.x + box.width <= width + 1 && box.y + box.height <= height + 1;
}

/** A first visit's page opened at a link to challenge `id`: its panel and its editor. */
async function visitChallenge(id) {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url);
  await forgetLesson(page);
  await page.goto(`${shared.server.url}?challenge=${id}`);
  const panel = page.getByRole('region', { name: 'Challenges' });
  const editor = page.getByLabel('Python code');
  await editor.waitFor();
  return { page, errors, panel, editor };
}

test('a learner checks the trap, steps through what broke, climbs the hints, is offered a solution, fixes it and passes', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  await forgetLesson(page);
  // The challenges are beside the lesson: in its place, one click away.
  await page.getByRole('region', { name: 'Lesson' }).getByRole('button', { name: 'Challenges (0/6 solved)' }).click();
  const panel = page.getByRole('region', { name: 'Challenges' });
  await panel.getByText('0/6 solved').waitFor();
  assert.equal(await page.getByRole('region', { name: 'Lesson' }).count(), 0);
  await panel.getByRole('button', { name: 'The database refuses a write' }).click();
  assert.match(page.url(), /[?&]challenge=database-refuses$/);
  await panel.getByText('The database may refuse a write').waitFor();
  const editor = page.getByLabel('Python code');
  await editor.waitFor();
  assert.match(await editor.inputValue(), /The tutorial's function, cache first/);

  // 1. The starter as it is: the cache is written before the database refuses.
  const verdict = panel.getByRole('status', { name: 'Challenge verdict' });
  await panel.getByRole('button', { name: 'Check', exact: true }).click();
  await verdict.getByText("Broken: update_price('product2', 275) with the database refusing its write: the cache holds product2 = 275, the database product2 = 200", { exact: false }).waitFor({ timeout: 60_000 });
  await verdict.getByText('The schedule that broke it is on the stage').waitFor();
  // Stepped through on the stage: the cache write, then the refused database write.
  const mode = page.getByRole('status', { name: 'Stage mode' });
  await mode.getByText('Checker · its failing schedule, on copies of the stores').waitFor();
  const narration = page.getByLabel('Narration');
  await page.getByRole('button', { name: 'First step' }).click();
  await narration.getByText('Step 1 of 2 — Writer A: HSET product_prices product2 275').waitFor();
  await page.getByRole('button', { name: 'Next step' }).click();
  await narration.getByText('Step 2 of 2 — Writer A: database["product2"] = "275" → refused (fault injected by the checker)').waitFor();
  await page.getByRole('status', { name: 'Consistency' }).getByText('Diverged', { exact: false }).waitFor();

  // The hints, each more concrete.
  await panel.getByRole('button', { name: 'Hint 1 of 3' }).click();
  await panel.getByRole('list', { name: 'Hints' }).getByText('Which store is the truth?').waitFor();
  await panel.getByRole('button', { name: 'Hint 2 of 3' }).click();
  await panel.getByRole('list', { name: 'Hints' }).getByText('Write the database first').waitFor();
  // At 1440x900 the challenge, the editor, the stage and the diagram are on one screen.
  for (const part of [
    panel.getByText('The database may refuse a write'),
    panel.locator('.editor'),
    page.getByRole('region', { name: 'Redis cache' }),
    page.getByRole('figure', { name: 'Sequence diagram' }),
  ]) {
    assert.ok(await onScreen(page, part), `on screen at 1440x900: ${part}`);
  }
  await screenshot(page, 'challenge-broken-1440', { fullPage: false });

  // 2. and 3. Answers of their own that are still wrong: a refusal swallowed, then one product only.
  assert.equal(await panel.getByRole('button', { name: 'Show a solution' }).count(), 0);
  await editor.fill(SILENT);
  await panel.getByRole('button', { name: 'Check', exact: true }).click();
  await verdict.getByText('it returned as if it had succeeded', { exact: false }).waitFor({ timeout: 60_000 });
  await editor.fill(HARD_CODED);
  await panel.getByRole('button', { name: 'Check', exact: true }).click();
  await verdict.getByText("update_price('product2', 275): with no fault", { exact: false }).waitFor({ timeout: 60_000 });
  // Three failed checks: a solution is offered, shown on request.
  await panel.getByRole('button', { name: 'Show a solution' }).click();
  await panel.getByLabel('A solution').getByText('raises DatabaseError if refused', { exact: false }).waitFor();

  // The fix, typed: the database first, then the cache.
  await editor.fill(FIXED);
  await panel.getByRole('button', { name: 'Check', exact: true }).click();
  await verdict.getByText(/^Passed: \d+ schedules, \d+ injected faults?, 0 broken\.$/).waitFor({ timeout: 60_000 });
  await panel.getByText('1/6 solved').waitFor();
  await panel.getByText('✓ solved').waitFor();
  await screenshot(page, 'challenge-passed-1440', { fullPage: false });
  const listed = await page.evaluate(() => window.lab.challenges());
  assert.equal(listed.find((c) => c.id === 'database-refuses').solved, true);

  // A reload keeps the progress, the open challenge and the learner's code.
  await page.reload();
  await panel.getByText('1/6 solved').waitFor();
  await panel.getByText('The database may refuse a write').waitFor();
  await page.getByLabel('Python code').waitFor();
  assert.equal(await page.getByLabel('Python code').inputValue(), FIXED);

  // At 390x844 the challenge, the editor and the stage are reachable and do not cover each other.
  await page.setViewportSize({ width: 390, height: 844 });
  // (The editor's text scrolls sideways inside its box: the box is what must be on screen.)
  for (const part of [panel.getByRole('button', { name: 'Check', exact: true }), panel.locator('.editor'), page.getByRole('region', { name: 'Redis cache' })]) {
    await part.scrollIntoViewIfNeeded();
    assert.ok(await onScreen(page, part), `reachable at 390x844: ${part} ${JSON.stringify(await part.boundingBox())}`);
    const covered = await part.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const hit = document.elementFromPoint(r.x + r.width / 2, r.y + Math.min(r.height / 2, 10));
      return hit === el || el.contains(hit) ? null : hit?.outerHTML.slice(0, 80);
    });
    assert.equal(covered, null, `nothing covers ${part}`);
  }
  await panel.getByRole('button', { name: 'Check', exact: true }).scrollIntoViewIfNeeded();
  await screenshot(page, 'challenge-390', { fullPage: false });

  // Back to the list (the solved one ticked; the address no longer names it), then the lesson.
  await page.setViewportSize({ width: 1440, height: 900 });
  await panel.getByRole('button', { name: 'All challenges' }).click();
  await panel.getByRole('listitem').filter({ hasText: 'The database refuses a write' }).getByText('✓ solved').waitFor();
  assert.doesNotMatch(page.url(), /challenge=/);
  await screenshot(page, 'challenges-list-1440', { fullPage: false });
  await panel.getByRole('button', { name: 'Back to the lesson' }).click();
  await page.getByRole('region', { name: 'Lesson' }).getByRole('button', { name: 'Challenges (1/6 solved)' }).waitFor();
  assert.deepEqual(errors, []);
});

test('a link ?challenge=two-writers opens that challenge with its starter', async () => {
  const { errors, panel, editor } = await visitChallenge('two-writers');
  await panel.getByRole('heading', { name: 'Two writers at once' }).waitFor();
  assert.match(await editor.inputValue(), /def update_price\(product, new_price\):\n    database\[product\] = new_price\n/);
  assert.deepEqual(errors, []);
});

test('Link to this counterexample reopens the challenge with that code, checked again, at that step', async () => {
  const { page, errors, panel, editor } = await visitChallenge('database-refuses');
  await editor.fill(SILENT);
  await panel.getByRole('button', { name: 'Check', exact: true }).click();
  await panel.getByRole('status', { name: 'Challenge verdict' }).getByText('it returned as if it had succeeded', { exact: false }).waitFor({ timeout: 60_000 });
  // At its last step (a schedule of one step is there already).
  const last = page.getByRole('button', { name: 'Last step' });
  if (await last.isEnabled()) await last.click();
  const narration = page.getByLabel('Narration');
  const at = (await narration.innerText()).match(/^Step (\d+) of (\d+)/);
  assert.ok(at, await narration.innerText());
  await page.getByRole('button', { name: 'Link to this counterexample' }).click();
  const url = await page.getByRole('textbox', { name: 'Link to this counterexample' }).inputValue();
  assert.match(url, new RegExp(`\\?scenario=challenge&challenge=database-refuses&source=.+&step=${at[1]}$`));

  // Someone else opens it: the challenge, the linked code, the same failing schedule at that step.
  const other = await openLab(shared.browser.context, url, { newPage: true });
  const otherPanel = other.page.getByRole('region', { name: 'Challenges' });
  await otherPanel.getByRole('status', { name: 'Challenge verdict' }).getByText('it returned as if it had succeeded', { exact: false }).waitFor({ timeout: 60_000 });
  assert.equal(await other.page.getByLabel('Python code').inputValue(), SILENT);
  await other.page.getByLabel('Narration').getByText(`Step ${at[1]} of ${at[2]}`).waitFor();
  await other.page.getByRole('status', { name: 'Stage mode' }).getByText('Checker · its failing schedule, on copies of the stores').waitFor();
  assert.deepEqual(errors, []);
  assert.deepEqual(other.errors, []);
  await other.page.close();
});

test('every challenge: its starter fails three checks, the solution then offered passes', async () => {
  const ids = ['database-refuses', 'redis-full', 'crash-between', 'two-writers', 'read-path', 'write-behind'];
  const { page, errors, panel, editor } = await visitChallenge(ids[0]);
  assert.deepEqual((await page.evaluate(() => window.lab.challenges())).map((c) => c.id), ids);
  const verdict = panel.getByRole('status', { name: 'Challenge verdict' });
  const check = panel.getByRole('button', { name: 'Check', exact: true });
  for (const [n, id] of ids.entries()) {
    if (n > 0) {
      await panel.getByRole('button', { name: 'All challenges' }).click();
      const title = (await page.evaluate(() => window.lab.challenges())).find((c) => c.id === id).title;
      await panel.getByRole('button', { name: title }).click();
    }
    assert.match(page.url(), new RegExp(`[?&]challenge=${id}$`));
    for (let i = 1; i <= 3; i++) {
      await check.click();
      // The button says "Checking…" until this check's verdict is in.
      await panel.getByRole('button', { name: 'Check', exact: true }).waitFor({ timeout: 60_000 });
      await verdict.getByText('Broken: ', { exact: false }).waitFor();
    }
    await panel.getByRole('button', { name: 'Show a solution' }).click();
    const solution = await panel.getByLabel('A solution').innerText();
    await editor.fill(solution);
    await check.click();
    await verdict.getByText(/^Passed: \d+ schedules?, \d+ injected faults?, 0 broken\.$/).waitFor({ timeout: 60_000 });
    await panel.getByText(`${n + 1}/6 solved`).waitFor();
  }
  assert.deepEqual(errors, []);
});

test('read-path: the stale refill is played on the stage, and a reader that WATCHes a version key passes', async () => {
  const { page, errors, panel } = await visitChallenge('read-path');
  await panel.getByRole('heading', { name: 'A reader refills an old price' }).waitFor();
  await panel.getByRole('button', { name: 'Check', exact: true }).click();
  const verdict = panel.getByRole('status', { name: 'Challenge verdict' });
  await verdict.getByText('after all calls the cache holds product2 = 200, the database product2 = 240: a reader filled the cache with an old price', { exact: false }).waitFor({ timeout: 60_000 });
  const narration = page.getByLabel('Narration');
  await page.getByRole('button', { name: 'Last step' }).click();
  await narration.getByText('Step 5 of 5 — Reader A: HSET product_prices product2 200', { exact: false }).waitFor();
  // The reader is called a reader, on its card and its lifeline.
  await page.getByRole('region', { name: 'Application' }).getByRole('heading', { name: 'Reader A' }).waitFor();
  // The editor marks the learner's line that made the step: the reader's fill.
  await panel.locator('.editor__line--current', { hasText: "redis_client.hset('product_prices', product, price)" }).waitFor();
  await page.getByRole('button', { name: 'Previous step' }).click();
  await panel.locator('.editor__line--current', { hasText: "redis_client.hdel('product_prices', product)" }).waitFor();
  await screenshot(page, 'challenge-read-path-1440', { fullPage: false });
  // The answer through the page's API: lab.check_challenge with a watched pipeline.
  const solution = `${HEADER}def get_price(product):\n    with redis_client.pipeline() as pipe:\n        pipe.watch('version:' + product)\n        cached = pipe.hget('product_prices', product)\n        if cached is not None:\n            return cached.decode()\n        price = database[product]\n        pipe.multi()\n        pipe.hset('product_prices', product, price)\n        try:\n            pipe.execute()\n        except redis.WatchError:\n            pass\n        return price\n\ndef update_price(product, new_price):\n    database[product] = new_price\n    redis_client.incr('version:' + product)\n    redis_client.hdel('product_prices', product)\n`;
  const result = await page.evaluate((source) => window.lab.check_challenge('read-path', source), solution);
  assert.equal(result.passed, true, result.message);
  assert.equal(result.counterexample, null);
  assert.ok(result.schedules > 100, result.message);
  assert.deepEqual(errors, []);
});
