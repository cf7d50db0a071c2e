// End to end: the seed tutorial's four steps, done by a learner from a fresh profile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shareServerAndBrowser, openLab, screenshot, forgetLesson } from './harness.mjs';

const shared = shareServerAndBrowser();

test('complete the 4-step lesson', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url);
  const lesson = page.getByRole('region', { name: 'Lesson' });
  await lesson.getByText('Progress 0/4').waitFor();
  await lesson.getByRole('button', { name: /^Start (the lesson|over) \(empties both stores\)$/ }).click();
  await lesson.getByText('Both stores are empty').waitFor();
  const feedback = lesson.getByRole('status').last();

  // Step 1: a wrong hash first, then the right one, typed in the console.
  const consoleInput = page.getByLabel('Redis command');
  await consoleInput.fill('HMSET product_prices product1 100 product2 200');
  await consoleInput.press('Enter');
  await lesson.getByRole('button', { name: 'Check the hash' }).click();
  await feedback.getByText('Missing: product3: 300').waitFor();
  await lesson.getByText('Hint').click();
  await lesson.getByText('Use the HMSET command').waitFor();
  await consoleInput.fill('HMSET product_prices product3 300');
  await consoleInput.press('Enter');
  await lesson.getByRole('button', { name: 'Check the hash' }).click();
  await lesson.getByText('Progress 1/4').waitFor();

  // Step 2: the database as a Python dictionary.
  await lesson.getByLabel('Python').fill("database = {'product1': 100, 'product2': 200, 'product3': 300}");
  await lesson.getByRole('button', { name: 'Run and check' }).click();
  await lesson.getByText('Progress 2/4').waitFor();
  assert.deepEqual(await page.evaluate(() => window.lab.database()), { product1: '100', product2: '200', product3: '300' });

  // Step 3: build update_price from lines (the easier path), a distractor first.
  await lesson.getByRole('button', { name: 'Pick the lines instead' }).click();
  const add = (code) => lesson.getByRole('button', { name: `Add: ${code}` }).click();
  await add('redis_command = f"HSET product_prices {new_price} {product}"');
  await add('database[product] = new_price');
  await lesson.getByRole('button', { name: 'Run and check' }).click();
  await feedback.getByText('needs "HSET product_prices product1 150"').waitFor();
  await lesson.getByRole('button', { name: 'Remove: redis_command = f"HSET product_prices {new_price} {product}"' }).click();
  await add('redis_command = f"HSET product_prices {product} {new_price}"');
  await lesson.getByRole('button', { name: 'Run and check' }).click();
  await lesson.getByText('Progress 3/4').waitFor();

  // Step 4: send the command; in the wrong place first.
  await add('redis_client.execute_command(redis_command)');
  await lesson.getByRole('button', { name: 'Move up: redis_client.execute_command(redis_command)' }).click();
  await lesson.getByRole('button', { name: 'Move up: redis_client.execute_command(redis_command)' }).click();
  await lesson.getByRole('button', { name: 'Run and check' }).click();
  await feedback.getByText("NameError: name 'redis_command' is not defined").waitFor();
  // Sent after the command is built: down twice, below the line that builds it.
  await lesson.getByRole('button', { name: 'Move down: redis_client.execute_command(redis_command)' }).click();
  await lesson.getByRole('button', { name: 'Move down: redis_client.execute_command(redis_command)' }).click();
  await lesson.getByRole('button', { name: 'Run and check' }).click();
  await lesson.getByText('Progress 4/4').waitFor();
  await lesson.getByText('All four steps done').waitFor();
  assert.equal(await page.evaluate(() => window.lab.cache().product1), '150');
  assert.equal((await page.evaluate(() => window.lab.database())).product1, '150');
  await screenshot(page, 'lesson-done');

  // From now on "Update price" runs the learner's own function, traced line by line.
  const mine = page.getByLabel('Run my update_price (from the lesson)');
  assert.equal(await mine.isChecked(), true);
  await page.getByLabel('Product', { exact: true }).selectOption('product1');
  await page.getByLabel('New price', { exact: true }).fill('175');
  await page.getByRole('button', { name: 'Update price' }).click();
  const steps = page.getByRole('region', { name: 'Last operation' });
  await steps.getByText('your update_price("product1", "175")').waitFor();
  await page.getByRole('region', { name: 'Application' }).getByText('Your update_price (Python)').waitFor();
  await page.keyboard.press('Home');
  await page.getByRole('button', { name: 'Next step' }).click();
  // The second line of the learner's function is the one just run.
  assert.match(await page.locator('.code__line--current').innerText(), /redis_command = f"HSET product_prices \{product\} \{new_price\}"/);
  await screenshot(page, 'lesson-own-function', { fullPage: false });
  await mine.uncheck();
  await page.evaluate(() => window.lab.reset());

  // The progress survives a reload, with a way to start over.
  await page.reload();
  await lesson.getByText('Progress 4/4').waitFor();
  await lesson.getByText('All four steps done').waitFor();
  await lesson.getByRole('button', { name: 'Start over (empties both stores)' }).waitFor();
  assert.deepEqual(errors, []);
});

test('step 1 checks a hash the learner made, not the one the lab starts with', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await forgetLesson(page);
  const lesson = page.getByRole('region', { name: 'Lesson' });
  await lesson.getByRole('button', { name: 'Check the hash' }).click();
  await lesson.getByRole('status').last().getByText('First start the lesson').waitFor();
  await lesson.getByText('Progress 0/4').waitFor();
  assert.deepEqual(errors, []);
});

test('do the lesson by writing the code: steps 3 and 4 in the editor, checked by running', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await forgetLesson(page);
  const lesson = page.getByRole('region', { name: 'Lesson' });
  await lesson.getByRole('button', { name: 'Start the lesson (empties both stores)' }).click();
  await lesson.getByText('Both stores are empty').waitFor();
  const consoleInput = page.getByLabel('Redis command');
  await consoleInput.fill('HMSET product_prices product1 100 product2 200 product3 300');
  await consoleInput.press('Enter');
  await lesson.getByRole('button', { name: 'Check the hash' }).click();
  await lesson.getByText('Progress 1/4').waitFor();
  await lesson.getByLabel('Python').fill("database = {'product1': 100, 'product2': 200, 'product3': 300}");
  await lesson.getByRole('button', { name: 'Run and check' }).click();
  await lesson.getByText('Progress 2/4').waitFor();

  // Step 3 in the editor. The editor opens with update_price still to write: checked as it
  // stands, it fails.
  await lesson.getByRole('button', { name: 'Open the editor' }).click();
  const editor = page.getByLabel('Python code');
  assert.match(await editor.inputValue(), /def update_price\(product, new_price\):\n    pass  # your code here/);
  assert.doesNotMatch(await editor.inputValue(), /execute_command\(redis_command\)|database\[product\] = new_price/);
  await lesson.getByRole('button', { name: 'Run and check' }).click();
  const feedback = lesson.getByRole('status').last();
  await feedback.getByText('not 150', { exact: false }).waitFor({ timeout: 60_000 });
  await lesson.getByText('Progress 2/4').waitFor();
  // A hard-coded answer fails on a call the learner did not see.
  await editor.fill("def update_price(product, new_price):\n    database['product1'] = 150\n    redis_command = 'HSET product_prices product1 150'\n");
  await lesson.getByRole('button', { name: 'Run and check' }).click();
  await feedback.getByText('update_price("product2", 275)', { exact: false }).waitFor({ timeout: 60_000 });
  await editor.fill('def update_price(product, new_price):\n    database[product] = new_price\n    redis_command = f"HSET product_prices {product} {new_price}"\n');
  await lesson.getByRole('button', { name: 'Run and check' }).click();
  await lesson.getByText('Progress 3/4').waitFor();

  // Step 4: the command must be sent, through redis_client.execute_command(redis_command).
  await editor.fill('def update_price(product, new_price):\n    database[product] = new_price\n    redis_command = f"HSET product_prices {product} {new_price}"\n    redis_client.hset("product_prices", product, new_price)\n');
  await lesson.getByRole('button', { name: 'Run and check' }).click();
  await feedback.getByText('not with redis_client.execute_command(redis_command)', { exact: false }).waitFor();
  await editor.fill('def update_price(product, new_price):\n    database[product] = new_price\n    redis_command = f"HSET product_prices {product} {new_price}"\n    redis_client.execute_command(redis_command)\n');
  await lesson.getByRole('button', { name: 'Run and check' }).click();
  await lesson.getByText('Progress 4/4').waitFor();
  await screenshot(page, 'lesson-written', { fullPage: false });
  await page.evaluate(() => window.lab.reset());
  assert.deepEqual(errors, []);
});
