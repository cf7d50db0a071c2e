// The challenges' checks, in headless Chromium (issue #21's budget: a typical solution checked
// in at most 2 s, warm): each challenge's known solution checked with lab.check_challenge,
// against a run of the seed's program (lab.run_python) in the same page as the baseline. Needs
// the bundle built with the `bench-hooks` feature (for the solutions). Prints a Markdown table.
// Usage: WTL_DIST=dist-bench node scripts/bench-challenges.mjs [runs]
import { serveDist, launchBrowser, openLab, median, seedProgram } from '../tests/e2e/harness.mjs';

const runs = Number(process.argv[2] ?? 5);

const SEED = seedProgram(150);

// two-writers answered optimistically (WATCH, MULTI/EXEC in a pipeline, retried on WatchError).
const WATCHED = `import redis\nredis_client = redis.Redis(host='localhost', port=6379, db=0)\n\ndef update_price(product, new_price):\n    with redis_client.pipeline() as pipe:\n        while True:\n            try:\n                pipe.watch('product_prices')\n                database[product] = new_price\n                pipe.multi()\n                pipe.hset('product_prices', product, new_price)\n                pipe.execute()\n                return\n            except redis.WatchError:\n                continue\n`;

/** ms from the call to its answer, and the answer. */
const timed = (page, call, a, b) =>
  page.evaluate(
    async ([call, a, b]) => {
      const t = performance.now();
      const answer = await window.lab[call](a, b);
      const ms = performance.now() - t;
      return { ms, schedules: answer.schedules, faults: answer.faults, passed: answer.passed, message: answer.message };
    },
    [call, a, b],
  );

const server = await serveDist();
const browser = await launchBrowser();
try {
  const { page } = await openLab(browser.context, server.url, { reset: true });
  const solutions = await page.evaluate(() => window.lab.bench_challenge_solutions());
  const checked = [...Object.entries(solutions).map(([id, source]) => [id, id, source]), ['two-writers, WATCH pipeline', 'two-writers', WATCHED]];
  // Warm: the interpreter's worker loaded, every challenge checked once.
  await timed(page, 'run_python', SEED);
  for (const [, id, source] of checked) await timed(page, 'check_challenge', id, source);
  const baseline = [];
  const rows = [];
  for (const [label, id, source] of checked) {
    const checks = [];
    let last;
    for (let i = 0; i < runs; i += 1) {
      baseline.push((await timed(page, 'run_python', SEED)).ms);
      last = await timed(page, 'check_challenge', id, source);
      if (!last.passed) throw new Error(`${id}: its solution failed: ${last.message}`);
      checks.push(last.ms);
    }
    rows.push({ label, id, ms: median(checks), schedules: last.schedules, faults: last.faults });
  }
  const base = median(baseline);
  console.log(`Medians of ${runs} warm checks of each challenge's known solution, alternated with the baseline, in one page (release build, loopback).`);
  console.log();
  console.log('| check | schedules | injected faults | ms | against one run of the seed program |');
  console.log('|---|---:|---:|---:|---:|');
  console.log(`| baseline: lab.run_python(the seed's program), warm | | | ${base.toFixed(0)} | 1.0× |`);
  for (const r of rows) {
    const what = r.label === r.id ? 'its solution' : r.label.slice(r.id.length + 2);
    console.log(`| lab.check_challenge('${r.id}', ${what}) | ${r.schedules} | ${r.faults} | ${r.ms.toFixed(0)} | ${(r.ms / base).toFixed(1)}× |`);
  }
} finally {
  await browser.close();
  await server.close();
}
