// End to end: the learner's own Python (issue #13), written in the editor by keyboard, run in
// the interpreter's worker, traced on the lab's stores, stepped through with the keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shareServerAndBrowser, openLab, screenshot, openOnTheWire, hsetFrame } from './harness.mjs';

const shared = shareServerAndBrowser();

async function openEditor(page) {
  const app = page.getByRole('region', { name: 'Application' });
  await app.getByRole('button', { name: 'Your Python' }).click();
  const editor = page.getByLabel('Python code');
  await editor.waitFor();
  return { app, editor };
}

/** Replaces the editor's text (typed, as a paste would, without the keys' indentation help). */
async function setCode(editor, source) {
  await editor.fill(source);
}

test('type the seed solution by keyboard, run it, and step through it line by line', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  const { app, editor } = await openEditor(page);
  await app.getByText('Python 3 (RustPython) ready').waitFor({ timeout: 60_000 });
  await editor.click();
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  // Enter keeps the indentation (one level more after a colon); Shift+Tab takes one away.
  await page.keyboard.type(
    "import redis\nredis_client = redis.Redis(host='localhost', port=6379, db=0)\n" +
      'def update_price(product, new_price):\n' +
      'redis_command = f"HSET product_prices {product} {new_price}"\n' +
      'redis_client.execute_command(redis_command)\n' +
      'database[product] = new_price\n',
  );
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.type('update_price("product1", 150)');
  assert.equal(
    await editor.inputValue(),
    "import redis\nredis_client = redis.Redis(host='localhost', port=6379, db=0)\n" +
      'def update_price(product, new_price):\n' +
      '    redis_command = f"HSET product_prices {product} {new_price}"\n' +
      '    redis_client.execute_command(redis_command)\n' +
      '    database[product] = new_price\n' +
      'update_price("product1", 150)',
  );
  await page.keyboard.press('Control+Enter');
  const steps = page.getByRole('region', { name: 'Last operation' });
  await steps.getByText('your Python: update_price("product1", "150")').waitFor();
  const output = page.getByRole('region', { name: 'Output' });
  await output.getByText("connects to the lab's embedded Redis").waitFor();
  assert.equal(await page.evaluate(() => window.lab.cache().product1), '150');
  assert.equal((await page.evaluate(() => window.lab.database())).product1, '150');

  // Escape leaves the editor (to its output, after it); then the playback keys step through the run.
  await page.keyboard.press('Escape');
  assert.ok(await page.evaluate(() => !!document.activeElement?.closest('[aria-label="Output"]')));
  await page.keyboard.press('Home');
  const current = page.locator('.editor__line--current');
  assert.equal(await current.innerText(), 'import redis\n');
  const lines = [];
  for (let i = 0; i < 6; i += 1) {
    await page.keyboard.press('ArrowRight');
    lines.push((await current.innerText()).trim());
  }
  assert.deepEqual(lines, [
    "redis_client = redis.Redis(host='localhost', port=6379, db=0)",
    'def update_price(product, new_price):',
    'update_price("product1", 150)',
    'redis_command = f"HSET product_prices {product} {new_price}"',
    'redis_client.execute_command(redis_command)',
    'database[product] = new_price',
  ]);
  // At the HSET the cache has 150 and the database still 100: the badge says they disagree.
  await page.keyboard.press('ArrowLeft');
  await page.getByRole('status', { name: 'Consistency' }).getByText('Diverged', { exact: false }).waitFor();
  await screenshot(page, 'python-step-1440', { fullPage: false });
  await page.setViewportSize({ width: 390, height: 844 });
  await current.scrollIntoViewIfNeeded();
  await screenshot(page, 'python-step-390', { fullPage: false });
  await page.setViewportSize({ width: 1440, height: 900 });

  // The text survives a reload.
  await page.reload();
  await page.waitForFunction(() => typeof window.lab?.update_price === 'function');
  await openEditor(page);
  assert.match(await page.getByLabel('Python code').inputValue(), /^import redis\n/);
  assert.deepEqual(errors, []);
});

test("On the wire for the learner's execute_command: the argument vector and the frames of the tutorial's HSET", async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  const { app, editor } = await openEditor(page);
  await app.getByText('Python 3 (RustPython) ready').waitFor({ timeout: 60_000 });
  await setCode(
    editor,
    "import redis\nredis_client = redis.Redis(host='localhost', port=6379, db=0)\n" +
      'def update_price(product, new_price):\n' +
      '    redis_command = f"HSET product_prices {product} {new_price}"\n' +
      '    redis_client.execute_command(redis_command)\n' +
      '    database[product] = new_price\n' +
      'update_price("product2", 275)\n',
  );
  await app.getByRole('button', { name: 'Run' }).click();
  await page.getByRole('region', { name: 'Last operation' }).getByText('your Python: update_price("product2", "275")').waitFor();
  // execute_command's one string became four arguments, each a bulk string.
  const request = await openOnTheWire(page, /sends HSET product_prices product2 275/);
  assert.equal(request, hsetFrame('product2', '275'));
  assert.deepEqual(
    await page.locator('.wire__argv tbody tr td:nth-child(2)').allTextContents(),
    ['HSET', 'product_prices', 'product2', '275'],
  );
  assert.equal(await page.getByLabel('Reply frame, RESP2').textContent(), ':0\\r\\n\n');
  await page.locator('.wire').scrollIntoViewIfNeeded();
  await screenshot(page, 'on-the-wire-execute-command-1440', { fullPage: false });
  assert.deepEqual(errors, []);
});

test('a wrong program shows its traceback and marks its line; what ran before stays done', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  const { app, editor } = await openEditor(page);
  await setCode(editor, 'database["product2"] = 250\nprint("written")\nredis_client.execute_command("HSET product_prices product2 250")\n');
  await app.getByRole('button', { name: 'Run' }).click();
  const output = page.getByRole('region', { name: 'Output' });
  await output.getByText("NameError: name 'redis_client' is not defined").waitFor();
  assert.match(await output.innerText(), /written\n[\s\S]*line 3/);
  await page.keyboard.press('End');
  assert.equal((await page.locator('.editor__number--error').innerText()).replace(/\D/g, ''), '3');
  // The database write ran, the cache write never did: the stores disagree, and say so.
  assert.equal((await page.evaluate(() => window.lab.database())).product2, '250');
  assert.equal(await page.evaluate(() => window.lab.cache().product2), '200');
  await page.getByRole('status', { name: 'Consistency' }).getByText('Diverged', { exact: false }).waitFor();
  await screenshot(page, 'python-traceback', { fullPage: false });
  assert.deepEqual(errors, []);
});

test('runaway code is stopped while the page stays responsive', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  const { app, editor } = await openEditor(page);
  await app.getByText('Python 3 (RustPython) ready').waitFor({ timeout: 60_000 });
  const output = page.getByRole('region', { name: 'Output' });

  // Each line takes long: the worker's clock stops it, while a click in the page still works.
  await setCode(editor, 'while True:\n    total = sum(range(100000))\n');
  await app.getByRole('button', { name: 'Run' }).click();
  await app.getByText('Running…').waitFor();
  await page.getByRole('tab', { name: 'Compare' }).click();
  await page.getByRole('tab', { name: 'Compare', selected: true }).waitFor();
  assert.equal(await app.getByText('Running…').count(), 1, 'the click was handled while Python ran');
  await output.getByText(/Stopped after \d+ ms/).waitFor();
  await page.getByRole('tab', { name: 'Playground' }).click();

  // Deep recursion is Python's RecursionError, not a dead page.
  await setCode(editor, 'def down(n):\n    return down(n + 1)\ndown(0)\n');
  await app.getByRole('button', { name: 'Run' }).click();
  await output.getByText(/RecursionError|Stopped/).waitFor();

  // A loop on one line reaches no next line: the lab listens to its instructions, and its
  // time limit stops it (issue #22), and the next run works.
  await setCode(editor, 'x = 0\nfor i in range(10 ** 12): x += 1\n');
  await app.getByRole('button', { name: 'Run' }).click();
  await output.getByText(/Stopped after \d+ ms/).waitFor();
  await setCode(editor, 'print(6 * 7)\n');
  await app.getByRole('button', { name: 'Run' }).click();
  await output.getByText('42').waitFor({ timeout: 60_000 });
  await screenshot(page, 'python-runaway', { fullPage: false });

  // A tight loop: no step count cuts it, its time limit does, and says so.
  await setCode(editor, 'while True:\n    pass\n');
  await app.getByRole('button', { name: 'Run' }).click();
  await output.getByText(/Stopped after \d+ ms: a run of the lab lasts at most \d+ ms of Python/).waitFor();
  assert.deepEqual(errors, []);
});

test('Edit this code: a pattern as a program, and lab.run_python / lab.check_step as documented', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  const app = page.getByRole('region', { name: 'Application' });
  await app.getByRole('button', { name: 'Edit this code' }).click();
  const editor = page.getByLabel('Python code');
  assert.match(await editor.inputValue(), /from lab import check[\s\S]*def update_price\(product, new_price\):[\s\S]*update_price\("product1", 150\)/);
  await app.getByRole('button', { name: 'Run' }).click();
  await page.getByRole('region', { name: 'Last operation' }).getByText('your Python: update_price("product1", "150")').waitFor({ timeout: 60_000 });
  assert.equal(await page.evaluate(() => window.lab.cache().product1), '150');

  const ran = await page.evaluate(() => window.lab.run_python("print('hello')\ndatabase['product3'] = 310\n"));
  assert.equal(ran.output, 'hello\n');
  assert.equal(ran.trace.outcome.status, 'completed');
  assert.ok(ran.trace.steps.some((s) => s.kind === 'database_write'));
  const raised = await page.evaluate(() => window.lab.run_python('1 / 0').then(() => 'resolved', (e) => e.message));
  assert.match(raised, /ZeroDivisionError/);
  // time.sleep passes in the lab's time (it used to trap the interpreter in the browser).
  const slept = await page.evaluate(() => window.lab.run_python('import time\nt = time.time()\ntime.sleep(0.2)\nprint(time.time() - t >= 0.2)\n'));
  assert.equal(slept.output, 'True\n');

  const check = (n, answer) => page.evaluate(([n, answer]) => window.lab.check_step(n, answer), [n, answer]);
  assert.equal((await check(1, 'HMSET product_prices product1 100 product2 200 product3 300')).passed, true);
  assert.equal((await check(1, 'HSET product_prices product1 100')).passed, false);
  assert.equal((await check(2, "database = {'product1': 100, 'product2': 200, 'product3': 300}")).passed, true);
  const solution = 'def update_price(product, new_price):\n    redis_command = f"HSET product_prices {product} {new_price}"\n    redis_client.execute_command(redis_command)\n    database[product] = new_price\n';
  assert.equal((await check(4, solution)).passed, true);
  const hardCoded = await check(4, "def update_price(product, new_price):\n    redis_command = 'HSET product_prices product1 150'\n    redis_client.execute_command(redis_command)\n    database['product1'] = 150\n");
  assert.equal(hardCoded.passed, false);
  assert.match(hardCoded.message, /product2/);
  assert.deepEqual(errors, []);
});

test('lab.check_challenge: the tutorial\'s function loses the two-writers race, drawn on the stage; a lock passes', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  const list = await page.evaluate(() => window.lab.challenges());
  assert.deepEqual(list.map((c) => c.id), ['database-refuses', 'redis-full', 'crash-between', 'two-writers', 'read-path', 'write-behind']);
  assert.ok(list.every((c) => c.solved === false));
  const rejected = await page.evaluate(() => window.lab.check_challenge('nope', 'pass').then(() => 'resolved', (e) => e.message));
  assert.match(rejected, /unknown challenge; use one of database-refuses/);
  const notText = await page.evaluate(() => window.lab.check_challenge('two-writers', 42).then(() => 'resolved', (e) => e.message));
  assert.match(notText, /source must be a string/);

  const header = "import redis\nredis_client = redis.Redis(host='localhost', port=6379, db=0)\n\n";
  const tutorial = `${header}def update_price(product, new_price):\n    database[product] = new_price\n    redis_client.execute_command(f"HSET product_prices {product} {new_price}")\n`;
  const lost = await page.evaluate((s) => window.lab.check_challenge('two-writers', s), tutorial);
  assert.equal(lost.passed, false);
  assert.match(lost.message, /after all calls the cache holds product3 = 310, the database product3 = 320/);
  assert.deepEqual(lost.counterexample.steps.map((s) => `${s.writer}: ${s.action}`), [
    'A: database["product3"] = "310"',
    'B: database["product3"] = "320"',
    'B: HSET product_prices product3 320',
    'A: HSET product_prices product3 310',
  ]);
  // The failing schedule is on the stage: two writers' lifelines in the diagram.
  const diagram = page.getByRole('figure', { name: 'Sequence diagram' });
  await diagram.locator('[data-lifeline="writer-b"]').waitFor();
  await diagram.locator('[data-lifeline="writer-a"]').waitFor();
  await page.getByRole('region', { name: 'Application' }).getByText("Runs your update_price('product3', 310)").first().waitFor();
  await screenshot(page, 'challenge-counterexample-1440', { fullPage: false });
  // At its last step the stage still shows the checker's copies, where the stores disagree, not
  // the lab's live stores.
  await page.getByRole('button', { name: 'Last step' }).click();
  await page.getByRole('status', { name: 'Stage mode' }).getByText('Checker · its failing schedule, on copies of the stores').waitFor();
  await page.getByRole('status', { name: 'Consistency' }).getByText('Diverged', { exact: false }).waitFor();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('region', { name: 'Stage' }).scrollIntoViewIfNeeded();
  await screenshot(page, 'challenge-counterexample-390', { fullPage: false });
  await page.setViewportSize({ width: 1440, height: 900 });

  const lock = `${header}def update_price(product, new_price):\n    lock, token = 'lock:' + product, str(new_price)\n    while not redis_client.set(lock, token, nx=True, px=5000):\n        pass\n    try:\n        database[product] = new_price\n        redis_client.hset('product_prices', product, new_price)\n    finally:\n        if redis_client.get(lock) == token.encode():\n            redis_client.delete(lock)\n`;
  const passed = await page.evaluate((s) => window.lab.check_challenge('two-writers', s), lock);
  assert.equal(passed.passed, true, passed.message);
  assert.equal(passed.counterexample, null);
  assert.match(passed.message, /^Passed: \d+ schedules, 0 injected faults, 0 broken\.$/);
  assert.ok(passed.schedules >= 200);
  assert.equal((await page.evaluate(() => window.lab.challenges())).find((c) => c.id === 'two-writers').solved, true);
  assert.deepEqual(errors, []);
});

test("Link to this step reopens a run of the learner's Python at that step, replayed on copies", async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  const source = 'import redis\nr = redis.Redis()\nr.execute_command("HSET product_prices product2 222")\ndatabase["product2"] = 222\n';
  await page.evaluate((s) => window.lab.run_python(s), source);
  await page.getByRole('region', { name: 'Last operation' }).getByText('your Python: update_price("product2", "222")').waitFor();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.getByRole('button', { name: 'Link to this step' }).click();
  const url = await page.getByRole('textbox', { name: 'Link to this step' }).inputValue();
  assert.match(url, /[?&]scenario=python&.*source=import%20redis/);
  await page.evaluate(() => window.lab.reset());

  const other = await openLab(shared.browser.context, url, { newPage: true });
  await other.page.getByText('Shared link · replayed on copies of the stores').waitFor({ timeout: 60_000 });
  assert.equal(await other.page.getByLabel('Python code').inputValue(), source);
  assert.equal((await other.page.locator('.editor__line--current').innerText()).trim(), 'r.execute_command("HSET product_prices product2 222")');
  // The link replays on copies: the lab's own stores are untouched.
  assert.equal(await other.page.evaluate(() => window.lab.cache().product2), '200');
  await screenshot(other.page, 'python-link', { fullPage: false });
  await other.page.close();
  assert.deepEqual([...errors, ...other.errors], []);
});

test("the race panel races the learner's own update_price in the moves picked, and a link reopens it", async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  const source = "import redis\nredis_client = redis.Redis(host='localhost', port=6379, db=0)\n\ndef update_price(product, new_price):\n    database[product] = new_price\n    redis_client.execute_command(f\"HSET product_prices {product} {new_price}\")\n";
  const { editor } = await openEditor(page);
  await editor.fill(source);
  await page.getByRole('tab', { name: 'Two writers' }).click();
  const race = page.getByRole('region', { name: 'Two writers' });
  await race.getByLabel('Race pattern').selectOption('yours');
  assert.equal(await race.getByLabel('Per-key ordering').count(), 0, 'the learner\'s function decides the ordering');
  for (const [i, w] of ['A', 'B', 'B', 'A'].entries()) await race.getByLabel(`Move ${i + 1}`).selectOption(w);
  await race.getByRole('button', { name: 'Run the race' }).click();
  // The result is told once the race is played to its last step.
  await race.getByRole('status', { name: 'Race result' }).getByText("Result: told at the race's last step", { exact: false }).waitFor({ timeout: 60_000 });
  const app = page.getByRole('region', { name: 'Application' });
  await app.getByText("Runs your update_price('product1', 150) — the editor's code").waitFor();
  await app.getByText("Runs your update_price('product1', 175) — the editor's code").waitFor();
  await page.keyboard.press('End');
  await race.getByRole('status', { name: 'Race result' }).getByText('Result: cache 150, database 175 — the cache is stale.').waitFor();
  await page.getByLabel('Narration').getByText('Step 4 of 4 — Writer A: HSET product_prices product1 150', { exact: false }).waitFor();
  await screenshot(page, 'race-yours-1440', { fullPage: false });

  // In the other order the writers do not overlap: the stores agree.
  for (const [i, w] of ['A', 'A', 'B', 'B'].entries()) await race.getByLabel(`Move ${i + 1}`).selectOption(w);
  await race.getByRole('button', { name: 'Run the race' }).click();
  await race.getByRole('status', { name: 'Race result' }).getByText("Result: told at the race's last step", { exact: false }).waitFor({ timeout: 60_000 });
  await page.keyboard.press('End');
  await race.getByRole('status', { name: 'Race result' }).getByText('Result: cache 175, database 175 — in step.').waitFor();

  // A link to the race reopens it, with the code, at the step shown.
  await page.getByLabel('Narration').getByText('Step 4 of 4 — Writer B: HSET product_prices product1 175', { exact: false }).waitFor();
  await page.getByRole('button', { name: 'Link to this race' }).click();
  const url = await page.getByRole('textbox', { name: 'Link to this race' }).inputValue();
  assert.match(url, /\?scenario=your-race&order=AABB&source=.+&step=4$/);
  const other = await openLab(shared.browser.context, url, { newPage: true });
  await other.page.getByLabel('Narration').getByText('Writer B: HSET product_prices product1 175', { exact: false }).waitFor({ timeout: 60_000 });
  assert.deepEqual(errors, []);
  assert.deepEqual(other.errors, []);
  await other.page.close();
});
