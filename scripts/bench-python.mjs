// The learner's Python, in headless Chromium: the interpreter's cold start (its worker's
// download and compile, from a fresh browser profile over loopback) and the warm time from a
// run to the rendered trace of the seed's program, against the built-in engine's
// update_price trace in the same page. Prints a Markdown table.
// Usage: node scripts/bench-python.mjs [cold rounds] [warm runs]
import { serveDist, launchBrowser, openLab, median, seedProgram } from '../tests/e2e/harness.mjs';

const coldRounds = Number(process.argv[2] ?? 3);
const warmRuns = Number(process.argv[3] ?? 20);

/** ms from the call to the frame after it resolved (the trace rendered). */
function timed(page, what, price) {
  return page.evaluate(
    async ([what, source, price]) => {
      const t = performance.now();
      if (what === 'python') await window.lab.run_python(source);
      else await window.lab.update_price('product1', price);
      await new Promise((done) => requestAnimationFrame(() => done()));
      return performance.now() - t;
    },
    [what, seedProgram(price), price],
  );
}

const server = await serveDist();
try {
  const cold = [];
  let wasmBytes = 0;
  for (let r = 0; r < coldRounds; r += 1) {
    const browser = await launchBrowser();
    try {
      const { page } = await openLab(browser.context, server.url, { reset: true });
      page.on('response', async (response) => {
        if (response.url().endsWith('python_worker_bg.wasm')) wasmBytes = (await response.body()).length;
      });
      cold.push(await timed(page, 'python', 150));
    } finally {
      await browser.close();
    }
  }
  const browser = await launchBrowser();
  try {
    const { page } = await openLab(browser.context, server.url, { reset: true });
    await timed(page, 'python', 150);
    await timed(page, 'engine', 150);
    const python = [];
    const engine = [];
    for (let i = 0; i < warmRuns; i += 1) {
      engine.push(await timed(page, 'engine', 200 + i));
      python.push(await timed(page, 'python', 300 + i));
    }
    const m = (xs) => median(xs).toFixed(1);
    console.log(`Medians: ${coldRounds} cold starts (a fresh profile each), ${warmRuns} warm runs of each, alternated, in one page. Loopback, no throttling.`);
    console.log();
    console.log('| measure | ms | against the built-in update_price |');
    console.log('|---|---:|---:|');
    console.log(`| built-in engine: lab.update_price("product1", …) to its rendered trace (baseline) | ${m(engine)} | 1.0× |`);
    console.log(`| the seed's program: lab.run_python(…) to its rendered trace, warm | ${m(python)} | ${(median(python) / median(engine)).toFixed(1)}× |`);
    console.log(`| the same, cold: the interpreter's worker downloaded and compiled first | ${m(cold)} | ${(median(cold) / median(engine)).toFixed(0)}× |`);
    console.log();
    console.log(`The interpreter's WebAssembly as served: ${wasmBytes.toLocaleString('en-US')} bytes (uncompressed; not in the first load).`);
  } finally {
    await browser.close();
  }
} finally {
  await server.close();
}
