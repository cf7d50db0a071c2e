// Browser benchmarks on the release bundle (dist/), in headless Chromium:
//  - load: time from navigation until window.lab can serve calls with the table read from
//    IndexedDB (median of several fresh loads);
//  - write-through: update_price (emulator + IndexedDB commit + trace) against a bare IndexedDB
//    put in its own readwrite transaction, in the same page, interleaved in blocks;
//  - a batch of sequential update_price calls.
// Usage: node scripts/bench-browser.mjs [batch=10000]
import { serveDist, launchBrowser, median, readyTimes } from '../tests/e2e/harness.mjs';

const batch = Number(process.argv[2] ?? 10000);
const server = await serveDist();
const browser = await launchBrowser();
const page = browser.context.pages()[0] ?? (await browser.context.newPage());

const ready = await readyTimes(page, server.url, 7);

await page.evaluate(() => window.lab.reset());
const blocks = await page.evaluate(async () => {
  const db = await new Promise((ok, fail) => {
    const r = indexedDB.open('bench-baseline', 1);
    // The lab's schema: rows keyed by id, indexed by when they were written.
    r.onupgradeneeded = () => r.result.createObjectStore('products', { keyPath: 'id' }).createIndex('by_written_at', 'written_at_ms');
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
  const put = (i) =>
    new Promise((ok, fail) => {
      const tx = db.transaction('products', 'readwrite');
      tx.objectStore('products').put({ id: 'product1', price: String(100 + i), written_at_ms: Date.now(), written_by: 'bench', revision: i });
      tx.oncomplete = ok;
      tx.onerror = () => fail(tx.error);
    });
  // What update_price's database step must do to count revisions exactly: read the row and
  // write it in one transaction (the read goes out with the write).
  const readPut = (i) =>
    new Promise((ok, fail) => {
      const tx = db.transaction('products', 'readwrite');
      const store = tx.objectStore('products');
      store.get('product1');
      store.put({ id: 'product1', price: String(100 + i), written_at_ms: Date.now(), written_by: 'bench', revision: i });
      tx.oncomplete = ok;
      tx.onerror = () => fail(tx.error);
    });
  const perBlock = 30;
  const bare = [];
  const readBare = [];
  const lab = [];
  const runs = [
    [bare, put],
    [readBare, readPut],
    [lab, (i) => window.lab.update_price('product1', 100 + (i % 900))],
  ];
  for (let b = 0; b < 15; b += 1) {
    // Each block runs the three in a rotated order, so that going first or last evens out.
    for (let k = 0; k < runs.length; k += 1) {
      const [out, run] = runs[(b + k) % runs.length];
      const t = performance.now();
      for (let i = 0; i < perBlock; i += 1) await run(b * perBlock + i);
      out.push((performance.now() - t) / perBlock);
    }
  }
  db.close();
  return { bare, readBare, lab };
});

const wasm = await page.evaluate(() => window.lab.bench_emulator(20000));
const hostUs = Number(process.env.HOST_HSET_US ?? NaN);

const batchMs = await page.evaluate(async (n) => {
  const t = performance.now();
  for (let i = 0; i < n; i += 1) await window.lab.update_price(`product${(i % 3) + 1}`, 100 + (i % 900));
  return performance.now() - t;
}, batch);
await page.evaluate(() => window.lab.reset());

const bare = median(blocks.bare);
const readBare = median(blocks.readBare);
const lab = median(blocks.lab);
console.log('| measurement | result |');
console.log('|---|---:|');
console.log(`| time from navigation until window.lab serves calls, table read from IndexedDB (median of ${ready.length} loads) | ${median(ready).toFixed(0)} ms |`);
console.log(`| bare IndexedDB put in its own readwrite transaction, same schema as the lab's (median of 15 blocks of 30) | ${bare.toFixed(2)} ms |`);
console.log(`| update_price, write-through (median of 15 blocks of 30, interleaved with the above in rotating order) | ${lab.toFixed(2)} ms |`);
console.log(`| **update_price / bare put** | **${(lab / bare).toFixed(2)}×** |`);
console.log(`| bare get + put in one readwrite transaction (what counting revisions needs), same blocks | ${readBare.toFixed(2)} ms (${(readBare / bare).toFixed(2)}× the bare put) |`);
console.log(`| update_price / bare get + put | ${(lab / readBare).toFixed(2)}× |`);
console.log(`| emulator HSET in WebAssembly (median of 15 blocks of 20,000) | ${wasm.emulator_ns.toFixed(1)} ns |`);
console.log(`| raw HashMap insert in WebAssembly, same blocks | ${wasm.hashmap_ns.toFixed(1)} ns |`);
console.log(`| **emulator / HashMap, in WebAssembly** | **${(wasm.emulator_ns / wasm.hashmap_ns).toFixed(2)}×** |`);
if (!Number.isNaN(hostUs)) {
  console.log(`| **emulator HSET, WebAssembly / host** (host ${(hostUs * 1000).toFixed(1)} ns, same run) | **${(wasm.emulator_ns / (hostUs * 1000)).toFixed(2)}×** |`);
}
console.log(`| ${batch.toLocaleString('en')} sequential update_price calls | ${(batchMs / 1000).toFixed(1)} s (${(batchMs / batch).toFixed(2)} ms each) |`);
await browser.close();
await server.close();
