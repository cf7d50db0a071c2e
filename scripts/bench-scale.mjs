// The 100,000-product catalog, in headless Chromium on the release bundle (dist/):
//  - seeding both stores (lab.seed_catalog) against a bare IndexedDB floor measured in the same
//    page: 100,000 puts of the same records in one readwrite transaction, into a store with the
//    same index, interleaved;
//  - memory: the page's wasm linear memory and what Rust holds in it, the JS heap (CDP
//    Runtime.getHeapUsage), and the emulator's hash against Redis 7.0's MEMORY USAGE for the
//    same hash (REDIS_HASH_BYTES, from scripts/redis-hash-memory.sh);
//  - an update_price at that size, and the load time with 100,000 rows in IndexedDB;
//  - frame intervals while each table is scrolled one step per animation frame.
// Usage: node scripts/bench-scale.mjs [rounds=3]
import { serveDist, launchBrowser, median, readyTimes } from '../tests/e2e/harness.mjs';

const rounds = Number(process.argv[2] ?? 3);
const n = 100000;
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;
const server = await serveDist();
const browser = await launchBrowser();
const page = browser.context.pages()[0] ?? (await browser.context.newPage());
await page.goto(server.url);
await page.waitForFunction(() => typeof window.lab?.seed_catalog === 'function');
const cdp = await browser.context.newCDPSession(page);

const floor = () =>
  page.evaluate(async (n) => {
    const db = await new Promise((ok, fail) => {
      const r = indexedDB.open('bench-floor', 1);
      r.onupgradeneeded = () => r.result.createObjectStore('products', { keyPath: 'id' }).createIndex('by_written_at', 'written_at_ms');
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
    const t = performance.now();
    await new Promise((ok, fail) => {
      const tx = db.transaction('products', 'readwrite');
      const store = tx.objectStore('products');
      store.clear();
      const now = Date.now();
      for (let i = 0; i < n; i += 1) {
        store.put({ id: `product${i}`, price: String(100 + ((i * 389) % 900)), written_at_ms: now, written_by: 'seed', revision: 1 });
      }
      tx.oncomplete = ok;
      tx.onerror = () => fail(tx.error);
    });
    db.close();
    return performance.now() - t;
  }, n);

const seeds = [];
const floors = [];
for (let r = 0; r < rounds; r += 1) {
  floors.push(await floor());
  seeds.push((await page.evaluate((n) => window.lab.seed_catalog(n), n)).ms);
}
await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
await cdp.send('HeapProfiler.collectGarbage');
const memory = await page.evaluate(() => window.lab.memory());
const heap = await cdp.send('Runtime.getHeapUsage');
const hash = await page.evaluate((n) => window.lab.bench_hash_memory(n), n);
const redisHash = Number(process.env.REDIS_HASH_BYTES ?? NaN);

const updates = [];
for (let i = 0; i < 5; i += 1) {
  updates.push(
    await page.evaluate(async (i) => {
      const t = performance.now();
      await window.lab.update_price(`product${54321 + i}`, 150 + i);
      return performance.now() - t;
    }, i),
  );
}
const afterUpdates = await page.evaluate(() => window.lab.memory());

// Frame intervals while a table scrolls one step per frame (as a fast wheel or a held arrow key
// would), from the top to near the bottom.
const scroll = (index) =>
  page.evaluate(
    (index) =>
      new Promise((ok) => {
        const box = document.querySelectorAll('.price-table__scroll')[index];
        box.scrollTop = 0;
        const frames = 300;
        const step = (box.scrollHeight - box.clientHeight) / frames;
        const deltas = [];
        let last = performance.now();
        let i = 0;
        const tick = (now) => {
          deltas.push(now - last);
          last = now;
          box.scrollTop = Math.round(step * i);
          i += 1;
          if (i <= frames) requestAnimationFrame(tick);
          else ok({ deltas: deltas.slice(2), rows: box.querySelectorAll('tr.price-table__row').length, last: box.querySelector('tr.price-table__row:last-child th')?.textContent });
        };
        requestAnimationFrame((now) => {
          last = now;
          requestAnimationFrame(tick);
        });
      }),
    index,
  );
const frames = [await scroll(0), await scroll(1)];

const loads = await readyTimes(page, server.url, 3);
await page.evaluate(() => window.lab.reset());

const seed = median(seeds);
const bare = median(floors);
console.log('| measurement | result |');
console.log('|---|---:|');
console.log(`| bare IndexedDB: ${n.toLocaleString('en')} puts in one readwrite transaction (median of ${rounds}) | ${(bare / 1000).toFixed(2)} s |`);
console.log(`| lab.seed_catalog(${n}): both stores (IndexedDB transaction + one HMSET), median of ${rounds}, interleaved | ${(seed / 1000).toFixed(2)} s |`);
console.log(`| **seeding / bare IndexedDB floor** | **${(seed / bare).toFixed(2)}×** |`);
console.log(`| emulator's hash of ${n.toLocaleString('en')} fields, as dlmalloc lays it out (requested: ${mb(hash.requested_bytes)}) | ${mb(hash.occupied_bytes)} |`);
if (!Number.isNaN(redisHash)) {
  console.log(`| Redis 7.0 MEMORY USAGE product_prices, same hash | ${mb(redisHash)} |`);
  console.log(`| **emulator hash / Redis** | **${(hash.occupied_bytes / redisHash).toFixed(2)}×** |`);
}
console.log(`| wasm linear memory with ${n.toLocaleString('en')} products in both stores (Rust holds ${mb(memory.rust_heap_occupied_bytes)}) | ${mb(memory.wasm_memory_bytes)} |`);
console.log(`| wasm linear memory after 5 updates at that size | ${mb(afterUpdates.wasm_memory_bytes)} |`);
console.log(`| JS heap used (after a forced GC) | ${mb(heap.usedSize)} |`);
console.log(`| update_price at ${n.toLocaleString('en')} products, trace included (median of 5) | ${median(updates).toFixed(0)} ms |`);
console.log(`| time from navigation until window.lab serves calls, ${n.toLocaleString('en')} rows read from IndexedDB (median of 3) | ${median(loads).toFixed(0)} ms |`);
for (const [i, name] of ['cache table', 'database table'].entries()) {
  const d = frames[i].deltas;
  const slow = d.filter((x) => x > 1000 / 60 * 1.5).length;
  console.log(`| scrolling the ${name}: frame interval median / 95th percentile, frames over 25 ms (${d.length} frames, ${frames[i].rows} rows rendered) | ${median(d).toFixed(1)} / ${pct(d, 0.95).toFixed(1)} ms, ${slow} |`);
}
await browser.close();
await server.close();
