// One Redis for all tabs, in headless Chromium: what the shared server (a SharedWorker, reached
// by messages) costs against a Redis of the tab's own (the page with SharedWorker and Web Locks
// removed), measured in the same run; and how long a write in one tab takes to reach another
// tab's replica. Prints a Markdown table. Usage: node scripts/bench-tabs.mjs [commands] [rounds]
import { serveDist, launchBrowser, openLab, median } from '../tests/e2e/harness.mjs';

const commands = Number(process.argv[2] ?? 2000);
const rounds = Number(process.argv[3] ?? 5);
const updates = Math.max(1, Math.floor(commands / 10));

/** ms per call of `n` sequential HSETs and of `n / 10` sequential update_price calls. */
async function workload(page) {
  return page.evaluate(
    async ([n, u]) => {
      let t = performance.now();
      for (let i = 0; i < n; i += 1) await window.lab.execute_command(`HSET product_prices product1 ${i}`);
      const hset = (performance.now() - t) / n;
      t = performance.now();
      for (let i = 0; i < u; i += 1) await window.lab.update_price('product2', 200 + i);
      const update = (performance.now() - t) / u;
      return { hset, update };
    },
    [commands, updates],
  );
}

const server = await serveDist();
const own = await launchBrowser();
const shared = await launchBrowser();
try {
  await own.context.addInitScript(() => {
    delete window.SharedWorker;
    Object.defineProperty(navigator, 'locks', { value: undefined });
  });
  const ownPage = (await openLab(own.context, server.url, { reset: true })).page;
  const a = (await openLab(shared.context, server.url, { reset: true })).page;
  const b = (await openLab(shared.context, server.url, { newPage: true })).page;
  const rows = { ownHset: [], sharedHset: [], ownUpdate: [], sharedUpdate: [], reach: [] };
  for (let r = 0; r < rounds; r += 1) {
    const o = await workload(ownPage);
    const s = await workload(a);
    rows.ownHset.push(o.hset);
    rows.sharedHset.push(s.hset);
    rows.ownUpdate.push(o.update);
    rows.sharedUpdate.push(s.update);
    // A write in tab A, seen in tab B's replica: B checks on every turn of its event loop.
    for (let i = 0; i < 20; i += 1) {
      const value = `${r}-${i}-${Date.now()}`;
      const seen = b.evaluate(
        (v) =>
          new Promise((done) => {
            const channel = new MessageChannel();
            channel.port1.onmessage = () => {
              if (window.lab.cache().product3 === v) done(Date.now());
              else channel.port2.postMessage(0);
            };
            channel.port2.postMessage(0);
          }),
        value,
      );
      const sent = await a.evaluate(async (v) => {
        const t = Date.now();
        await window.lab.execute_command(`HSET product_prices product3 ${v}`);
        return t;
      }, value);
      rows.reach.push((await seen) - sent);
    }
  }
  const m = (xs) => median(xs);
  console.log(`${rounds} rounds; medians. ${commands} HSETs and ${updates} write-through updates per round, one after another.`);
  console.log();
  console.log('| measure | own Redis (baseline) | shared Redis | shared / own |');
  console.log('|---|---:|---:|---:|');
  console.log(`| lab.execute_command(HSET …), ms per call | ${m(rows.ownHset).toFixed(3)} | ${m(rows.sharedHset).toFixed(3)} | ${(m(rows.sharedHset) / m(rows.ownHset)).toFixed(1)}× |`);
  console.log(`| lab.update_price(…) (IndexedDB included), ms per call | ${m(rows.ownUpdate).toFixed(2)} | ${m(rows.sharedUpdate).toFixed(2)} | ${(m(rows.sharedUpdate) / m(rows.ownUpdate)).toFixed(2)}× |`);
  console.log();
  const sorted = [...rows.reach].sort((x, y) => x - y);
  console.log(`A write in tab A is in tab B's replica after ${m(rows.reach)} ms (median of ${rows.reach.length}; max ${sorted.at(-1)} ms; Date.now() resolution).`);
} finally {
  await own.close();
  await shared.close();
  await server.close();
}
