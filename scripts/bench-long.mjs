// Long programs in the page (issue #22), in headless Chromium: for a loop of 10,000 iterations,
// a loop on one line and `while True: pass`, each run from the editor's Run button as a learner
// would, the longest main-thread task from the click until the trace is on the stage, the
// time a keystroke in the editor takes to show (paused, and while the trace plays), one playback
// step, the page elements in the diagram, and the wasm memory after one and after ten runs. The
// seed's own program, run the same way in the same page, is the baseline. Prints a Markdown
// table; nothing here is a test.
// Usage: node scripts/bench-long.mjs [keystrokes]
import { serveDist, launchBrowser, openLab, median, seedProgram } from '../tests/e2e/harness.mjs';

const keystrokes = Number(process.argv[2] ?? 15);

const PROGRAMS = [
  ['the seed\'s program (baseline)', seedProgram(150)],
  ['a loop of 10,000 iterations (`hset` in a `for`)', "import redis\nredis_client = redis.Redis()\nfor i in range(10000):\n    redis_client.hset('product_prices', 'product1', i)\n"],
  ['a loop on one line (`for i in range(10 ** 7): x += i`)', 'x = 0\nfor i in range(10 ** 7): x += i\n'],
  ['`while True: pass`', 'while True:\n    pass\n'],
];

/** Runs the editor's program with its Run button; resolves once the run is on the stage. */
async function run(page, app) {
  const running = app.getByText('Running…');
  await app.getByRole('button', { name: 'Run' }).click();
  await running.waitFor({ state: 'visible', timeout: 3000 }).catch(() => {});
  await running.waitFor({ state: 'hidden', timeout: 60_000 });
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0))));
}

/** Collects the main thread's long tasks (≥ 50 ms, Chromium's Long Tasks API) from now on. */
function watchLongTasks(page) {
  return page.evaluate(() => {
    window.__longTasks = [];
    window.__longTaskObserver?.disconnect();
    window.__longTaskObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push(e.duration);
    });
    window.__longTaskObserver.observe({ type: 'longtask' });
  });
}

/** ms from a key going down in the editor to the frame after its character is in it. */
async function keystroke(page, editor) {
  const pending = page.evaluate(() => new Promise((done) => {
    const area = document.querySelector('textarea');
    let t0 = 0;
    area.addEventListener('keydown', () => { t0 = performance.now(); }, { once: true, capture: true });
    area.addEventListener('input', () => {
      requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0), 0));
    }, { once: true });
  }));
  await editor.press('x');
  return pending;
}

/** ms from the "Next step" button's click to the frame after it. */
function playbackStep(page) {
  return page.evaluate(() => new Promise((done) => {
    const next = document.querySelector('button[aria-label="Next step"]');
    const t0 = performance.now();
    next.click();
    requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0), 0));
  }));
}

const server = await serveDist();
const browser = await launchBrowser();
const rows = [];
try {
  const { page } = await openLab(browser.context, server.url, { reset: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  const app = page.getByRole('region', { name: 'Application' });
  await app.getByRole('button', { name: 'Your Python' }).click();
  const editor = page.getByLabel('Python code');
  await app.getByText('Python 3 (RustPython) ready').waitFor({ timeout: 60_000 });
  for (const [name, source] of PROGRAMS) {
    await editor.fill(source);
    await run(page, app); // warm: the worker has run it once
    await watchLongTasks(page);
    await run(page, app);
    const longest = await page.evaluate(() => Math.max(0, ...window.__longTasks));
    const steps = await page.evaluate(() => Number(document.querySelector('.diagram svg')?.getAttribute('data-steps') ?? 0));
    const elements = await page.evaluate(() => document.querySelectorAll('.diagram *').length);
    await page.getByRole('button', { name: 'First step' }).click().catch(() => {});
    const stepMs = [];
    for (let i = 0; i < Math.min(keystrokes, Math.max(steps - 1, 0)); i += 1) stepMs.push(await playbackStep(page));
    // The editor's text is kept; each keystroke adds an `x` at its end, taken away after.
    await editor.focus();
    await editor.press('Control+End');
    await editor.press('Enter');
    await editor.press('#');
    const paused = [];
    for (let i = 0; i < keystrokes; i += 1) paused.push(await keystroke(page, editor));
    await page.getByRole('button', { name: 'Play' }).click().catch(() => {});
    const playing = [];
    for (let i = 0; i < keystrokes; i += 1) playing.push(await keystroke(page, editor));
    await page.getByRole('button', { name: 'Pause' }).click().catch(() => {});
    rows.push({ name, longest, steps, elements, step: stepMs.length ? median(stepMs) : NaN, paused: median(paused), playing: median(playing) });
  }
  // Memory, in a fresh page: the loop, run once, twice, then ten and twenty times.
  await page.reload();
  await page.waitForFunction(() => typeof window.lab?.update_price === 'function');
  await app.getByRole('button', { name: 'Your Python' }).click();
  await app.getByText('Python 3 (RustPython) ready').waitFor({ timeout: 60_000 });
  await editor.fill(PROGRAMS[1][1]);
  const memory = {};
  for (let i = 1; i <= 20; i += 1) {
    await run(page, app);
    if ([1, 2, 10, 20].includes(i)) memory[i] = await page.evaluate(() => window.lab.memory());
  }

  const ms = (x) => (Number.isNaN(x) ? '—' : x.toFixed(1));
  const base = rows[0];
  console.log(`Chromium headless, 1440×900, each program run from the editor's Run button (warm: run once before). Medians of ${keystrokes} keystrokes and ${keystrokes} playback steps; a long task is one of ≥ 50 ms (the Long Tasks API), 0 if none.`);
  console.log();
  console.log('| program | trace steps | longest main-thread task, ms | keystroke shows, paused, ms | keystroke shows, playing, ms | one playback step, ms | elements in the diagram |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const ratio = (x, b) => (Number.isNaN(x) || !b ? '' : ` (${(x / b).toFixed(1)}×)`);
    console.log(`| ${r.name} | ${r.steps} | ${ms(r.longest)} | ${ms(r.paused)}${ratio(r.paused, base.paused)} | ${ms(r.playing)}${ratio(r.playing, base.playing)} | ${ms(r.step)}${ratio(r.step, base.step)} | ${r.elements} |`);
  }
  console.log();
  const mb = (b) => (b / 1048576).toFixed(1);
  const grown = (n) => (((memory[n].wasm_memory_bytes - memory[1].wasm_memory_bytes) / memory[1].wasm_memory_bytes) * 100).toFixed(1);
  console.log('| runs of the loop | wasm linear memory, MB | against one run | Rust heap in use, MB |');
  console.log('|---:|---:|---:|---:|');
  for (const n of [1, 2, 10, 20]) {
    console.log(`| ${n} | ${mb(memory[n].wasm_memory_bytes)} | ${n === 1 ? '' : `+${grown(n)} %`} | ${mb(memory[n].rust_heap_occupied_bytes)} |`);
  }
} finally {
  await browser.close();
  await server.close();
}
