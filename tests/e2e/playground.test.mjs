// End to end: the playground screen — everything on one screen, the sequence diagram, messages
// that move, honest labels — at 1440×900 and 390×844, with screenshots to look at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { shareServerAndBrowser, openLab, screenshot } from './harness.mjs';

const shared = shareServerAndBrowser();

const narration = (page) => page.getByLabel('Narration');
const diagram = (page) => page.getByRole('figure', { name: 'Sequence diagram' });
const stageMode = (page) => page.getByRole('status', { name: 'Stage mode' });

/** The box of `locator` in viewport coordinates. */
async function box(locator) {
  const b = await locator.boundingBox();
  assert.ok(b, 'the element is rendered');
  return b;
}

const inside = (b, { width, height }) => b.x >= 0 && b.y >= 0 && b.x + b.width <= width + 0.5 && b.y + b.height <= height + 0.5;
const overlap = (a, b) => a.x < b.x + b.width - 0.5 && b.x < a.x + a.width - 0.5 && a.y < b.y + b.height - 0.5 && b.y < a.y + a.height - 0.5;

/** Updates `product` to `price` with the form, then pauses the new trace at its first step. */
async function updateAndPause(page, product, price) {
  await page.getByLabel('Product', { exact: true }).selectOption(product);
  await page.getByLabel('New price', { exact: true }).fill(price);
  await page.getByRole('button', { name: 'Update price' }).click();
  await narration(page).getByText(/^Step \d+ of \d+/).waitFor();
  await page.keyboard.press('Home');
  await narration(page).getByText(/^Step 1 of/).waitFor();
}

/** Checks that the named parts are all in the viewport and that no two of them overlap. */
async function assertOneScreen(page, parts) {
  const viewport = page.viewportSize();
  const boxes = {};
  for (const [name, locator] of Object.entries(parts)) {
    boxes[name] = await box(locator);
    assert.ok(inside(boxes[name], viewport), `${name} is inside the ${viewport.width}×${viewport.height} viewport: ${JSON.stringify(boxes[name])}`);
  }
  const names = Object.keys(boxes);
  for (const [i, a] of names.entries()) {
    for (const b of names.slice(i + 1)) {
      assert.ok(!overlap(boxes[a], boxes[b]), `${a} and ${b} overlap: ${JSON.stringify(boxes[a])} ${JSON.stringify(boxes[b])}`);
    }
  }
}

test('at 1440×900 the task, the form, the faults, the console, the actors, the diagram and playback share one screen', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  await updateAndPause(page, 'product1', '175');
  const parts = {
    lesson: page.getByRole('region', { name: 'Lesson' }).getByRole('heading', { level: 3 }),
    form: page.getByRole('form', { name: 'Update a price' }),
    // The switches that break a write are on screen with the form that makes one.
    faults: page.getByRole('group', { name: 'Faults:' }),
    console: page.getByLabel('Redis command'),
    application: page.getByRole('region', { name: 'Application' }),
    cache: page.getByRole('region', { name: 'Redis cache' }),
    database: page.getByRole('region', { name: 'Database' }),
    diagram: diagram(page),
    playback: page.getByRole('group', { name: 'Playback' }),
  };
  await assertOneScreen(page, parts);
  await screenshot(page, 'playground-1440-step-1', { fullPage: false });

  // Step 2 asks for a prediction: still one screen, nothing covered.
  await page.getByRole('button', { name: 'Next step' }).click();
  const predict = page.getByRole('region', { name: 'Predict, then see' });
  await predict.getByText('Predict: what would HGET product_prices product1 return now?').waitFor();
  await assertOneScreen(page, { ...parts, predict });
  // In a correct write-through the stores disagree between the two writes: expected, and brief.
  await page.getByRole('region', { name: 'Redis cache' }).getByText('expected between the two writes, and brief').waitFor();
  await screenshot(page, 'playground-1440-predict', { fullPage: false });
  assert.deepEqual(errors, []);
});

test('at 390×844 the playback controls are compact and cover no actor', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await updateAndPause(page, 'product2', '250');
  await page.getByRole('button', { name: 'Next step' }).click();
  await narration(page).getByText(/^Step 2 of/).waitFor();
  const playback = await box(page.getByRole('group', { name: 'Playback' }));
  assert.ok(playback.height <= 0.15 * 844, `playback is ${playback.height} px tall`);
  for (const name of ['Application', 'Redis cache', 'Database']) {
    const actor = await box(page.getByRole('region', { name }));
    assert.ok(!overlap(playback, actor), `playback covers ${name}`);
  }
  // The stage came into view by itself, with the application and both stores on screen.
  for (const name of ['Redis cache', 'Database']) {
    const b = await box(page.getByRole('region', { name }).getByRole('table'));
    assert.ok(inside(b, page.viewportSize()), `${name}'s table is on screen`);
  }
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no horizontal scrolling (page is ${width} px wide)`);
  await screenshot(page, 'playground-390-step-2', { fullPage: false });
  await page.setViewportSize({ width: 1280, height: 800 });
  assert.deepEqual(errors, []);
});

test('the diagram draws one arrow per step for every pattern, a mark for every fault, and goes to a clicked step', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  const run = (pattern, faults, price) =>
    page.evaluate(async ([pattern, faults, price]) => {
      window.lab.set_pattern(pattern);
      window.lab.set_faults(faults);
      await window.lab.update_price('product1', price).catch(() => null);
    }, [pattern, faults, price]);
  let price = 160;
  for (const pattern of ['write_through', 'write_through_cache_first', 'cache_aside', 'write_behind']) {
    for (const faults of [{}, { database_write: true }, { cache_write: true }, { crash_between: true }]) {
      const what = `${pattern} ${JSON.stringify(faults)}`;
      await page.evaluate(() => window.lab.reset());
      price += 1;
      await run(pattern, faults, price);
      // Wait for the page to show this call's trace (a new price each time).
      const steps = page.getByRole('region', { name: 'Last operation' });
      await steps.getByText(`update_price("product1", "${price}")`).waitFor();
      const total = await steps.locator('.last-trace__step').count();
      await diagram(page).getByText(`update_price("product1", "${price}")`).waitFor();
      assert.equal(await diagram(page).locator('[data-step]').count(), total, what);
      assert.match(await narration(page).innerText(), new RegExp(`of ${total} `), what);
      const failedSteps = await steps.locator('.last-trace__step--failed').count();
      assert.equal(await diagram(page).locator('.diagram__arrow--failed').count(), failedSteps, `${what}: a mark per failed step`);
      if (faults.crash_between) {
        assert.ok(await diagram(page).locator('.diagram__cross').count() >= 1, `${pattern}: the crash ends the application's lifeline`);
        await page.evaluate(() => window.lab.set_faults({}));
        await page.evaluate(() => window.lab.restart());
      }
    }
  }
  await page.evaluate(() => { window.lab.set_pattern('write_through'); window.lab.set_faults({}); });
  await page.evaluate(() => window.lab.reset());

  await updateAndPause(page, 'product3', '333');
  await diagram(page).locator('[data-step="3"] .diagram__hit').click();
  await narration(page).getByText('Step 4 of 5 — Redis sets product3 to 333').waitFor();
  await diagram(page).getByRole('button', { name: /^Step 2: Application sends database\["product3"\] = "333" to Database/ }).focus();
  await page.keyboard.press('Enter');
  await narration(page).getByText('Step 2 of 5').waitFor();
  await screenshot(page, 'playground-diagram-clicked', { fullPage: false });

  // "Download diagram" saves the SVG, for slides.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    diagram(page).getByRole('button', { name: 'Download diagram' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /\.svg$/);
  const svg = await readFile(await download.path(), 'utf8');
  assert.match(svg, /^<\?xml/);
  assert.match(svg, /<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /HSET product_prices product3 333/);
  // Every step drawn alike, for a slide: none marked current, none faded as still to come.
  assert.doesNotMatch(svg, /aria-current|opacity="0\.38"/);
  // …with a note of what the HSET put on the wire: its arguments, request and reply frames.
  assert.match(svg, /data-wire-notes/);
  // A file any SVG viewer reads: well-formed XML.
  const parsed = await page.evaluate((markup) => {
    const doc = new DOMParser().parseFromString(markup, 'image/svg+xml');
    return doc.getElementsByTagName('parsererror').length === 0 && doc.documentElement.localName;
  }, svg);
  assert.equal(parsed, 'svg');
  // (Spaces are no-break spaces there: SVG text would fold them.)
  const text = svg.replaceAll('&#160;', ' ');
  assert.match(text, /4 arguments: \[HSET\] \[product_prices\] \[product3\] \[333\]/);
  assert.match(text, />  \*4\\r\\n</);
  assert.match(text, />  :[01]\\r\\n</);
  // The page's own diagram goes back to its rows, without the notes.
  await page.locator('[data-wire-notes]').waitFor({ state: 'detached' });
  assert.deepEqual(errors, []);
});

test('stepping forward sends the message across the stage, unless motion is reduced', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await updateAndPause(page, 'product1', '180');
  await page.getByRole('button', { name: 'Next step' }).click();
  await narration(page).getByText(/^Step 2 of 5/).waitFor();
  // The row changed at once, and nothing moved.
  await page.getByRole('region', { name: 'Database' }).getByRole('row', { name: /product1 180/ }).waitFor();
  assert.equal(await page.evaluate(() => document.getAnimations().length), 0);

  await page.emulateMedia({ reducedMotion: 'no-preference' });
  await page.keyboard.press('Home');
  await narration(page).getByText(/^Step 1 of 5/).waitFor();
  await page.getByRole('button', { name: 'Next step' }).click();
  await page.waitForFunction(() => document.querySelector('.travel') && document.getAnimations().length > 0, null, { polling: 'raf', timeout: 2_000 });
  await screenshot(page, 'playground-message-travelling', { fullPage: false });
  // Then it lands, and the receiver's row changes.
  await page.getByRole('region', { name: 'Database' }).getByRole('row', { name: /product1 180/ }).waitFor();
  await page.waitForFunction(() => !document.querySelector('.travel'));
  assert.deepEqual(errors, []);
});

test('no line of code is cut off, at either width', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  for (const [width, height] of [[1440, 900], [390, 844]]) {
    await page.setViewportSize({ width, height });
    for (const pattern of ['write_through', 'write_behind']) {
      await page.evaluate((p) => window.lab.set_pattern(p), pattern);
      for (const language of ['Python', 'Rust']) {
        await page.getByRole('region', { name: 'Application' }).getByRole('button', { name: language, exact: true }).click();
        const clipped = await page.evaluate(() =>
          [...document.querySelectorAll('.code, .code__text')].filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) => el.textContent.slice(0, 40)),
        );
        assert.deepEqual(clipped, [], `${pattern} ${language} at ${width} px`);
      }
    }
  }
  await page.evaluate(() => window.lab.set_pattern('write_through'));
  await page.setViewportSize({ width: 1280, height: 800 });
  assert.deepEqual(errors, []);
});

test('the stage says Live only for the live stores; a race says so; a console command goes live', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  await stageMode(page).getByText('Live', { exact: true }).waitFor();

  await page.getByRole('tab', { name: 'Two writers' }).click();
  const race = page.getByRole('region', { name: 'Two writers' });
  await race.getByRole('button', { name: 'Run the race' }).click();
  await stageMode(page).getByText('Race · two writers on copies of the stores').waitFor();
  assert.equal(await stageMode(page).getByText('Live', { exact: true }).count(), 0);
  // The result sits next to the race's controls; each writer has its own card and code.
  await race.getByRole('status', { name: 'Race result' }).waitFor();
  const app = page.getByRole('region', { name: 'Application' });
  await app.getByRole('region', { name: 'Writer A' }).waitFor();
  await app.getByRole('region', { name: 'Writer B' }).waitFor();
  await page.keyboard.press('End');
  await race.getByRole('status', { name: 'Race result' }).getByText('Result: cache 150, database 175 — the cache is stale.').waitFor();
  await screenshot(page, 'playground-race', { fullPage: false });
  await page.getByRole('button', { name: 'Back to live' }).click();
  await stageMode(page).getByText('Live', { exact: true }).waitFor();

  // A replayed step of the lab's own update is not live either; the console takes it back live.
  await page.getByRole('tab', { name: 'Playground' }).click();
  await updateAndPause(page, 'product1', '190');
  await stageMode(page).getByText(/^Replay · step 1 of 5/).waitFor();
  const input = page.getByLabel('Redis command');
  await input.fill('HSET product_prices product2 999');
  await input.press('Enter');
  await stageMode(page).getByText('Live', { exact: true }).waitFor();
  await page.getByRole('region', { name: 'Redis cache' }).getByRole('row', { name: /product2 999/ }).waitFor();
  await screenshot(page, 'playground-console-live', { fullPage: false });
  assert.deepEqual(errors, []);
});

test('write-behind: the queue is a store on the stage, and a timed flush waits to be opened', async () => {
  const { page, errors } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByLabel('Pattern', { exact: true }).selectOption('write_behind');
  await updateAndPause(page, 'product2', '260');
  await page.keyboard.press('End');
  const queue = page.getByRole('region', { name: 'Write-behind queue' });
  await queue.getByRole('row', { name: /product2 260/ }).waitFor();
  await page.keyboard.press('Home');
  // The queue flushes itself after 5 s: offered to open, the trace being stepped stays.
  await page.getByRole('button', { name: /^Open the timed flush \(1 write\)$/ }).waitFor({ timeout: 15_000 });
  await narration(page).getByText(/^Step 1 of \d+ — The application checks that product2/).waitFor();
  await screenshot(page, 'playground-write-behind', { fullPage: false });
  await page.getByRole('button', { name: /^Open the timed flush/ }).click();
  await page.getByRole('region', { name: 'Last operation' }).getByText('write-behind flush').waitFor();
  await page.getByLabel('Pattern', { exact: true }).selectOption('write_through');
  assert.deepEqual(errors, []);
});
