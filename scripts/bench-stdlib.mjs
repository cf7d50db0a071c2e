// The standard library in the learner's Python (issue #26), in headless Chromium: what an
// import costs the first time in a page (the module compiled from its embedded source and made)
// and in the next run (already in sys.modules), against the seed's program in the same page.
// Each module is measured in a fresh page, so its first import is really its first.
// Usage: node scripts/bench-stdlib.mjs [rounds]
import { serveDist, launchBrowser, openLab, median, seedProgram } from '../tests/e2e/harness.mjs';

const rounds = Number(process.argv[2] ?? 3);
const modules = ['json', 'random', 'datetime', 're', 'collections', 'dataclasses', 'decimal', 'statistics', 'uuid', 'hashlib'];

/** ms of one lab.run_python(source), resolved. */
const run = (page, source) =>
  page.evaluate(async (s) => {
    const t = performance.now();
    await window.lab.run_python(s);
    return performance.now() - t;
  }, source);

const server = await serveDist();
const browser = await launchBrowser();
try {
  const rows = [];
  const seeds = [];
  for (const module of modules) {
    const first = [];
    const again = [];
    for (let r = 0; r < rounds; r += 1) {
      const { page } = await openLab(browser.context, server.url, { reset: true });
      // The interpreter started and warm (the engine's compiler tiers up over the first runs),
      // without the module; then this page's baseline.
      for (let i = 0; i < 5; i += 1) await run(page, seedProgram(150 + i));
      const base = [];
      for (let i = 0; i < 5; i += 1) base.push(await run(page, seedProgram(160 + i)));
      seeds.push(median(base));
      first.push((await run(page, `import ${module}\n${seedProgram(170)}`)) - median(base));
      const next = [];
      for (let i = 0; i < 5; i += 1) next.push(await run(page, `import ${module}\n${seedProgram(180 + i)}`));
      again.push(median(next) - median(base));
      await page.close();
    }
    rows.push([module, median(first), median(again)]);
  }
  const base = median(seeds);
  console.log(`Medians of ${rounds} fresh pages per module; baseline: the seed's program, warm (5 runs after 5 warm-up runs, per page), ${base.toFixed(1)} ms (lab.run_python to resolved). Loopback, no throttling.`);
  console.log();
  console.log('| import | first in the page: ms more than the baseline | × baseline | next run: ms more | × baseline |');
  console.log('|---|---:|---:|---:|---:|');
  for (const [module, first, again] of rows) {
    console.log(`| ${module} | ${first.toFixed(0)} | ${(first / base).toFixed(1)}× | ${again.toFixed(1)} | ${(again / base).toFixed(2)}× |`);
  }
} finally {
  await browser.close();
  await server.close();
}
