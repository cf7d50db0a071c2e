// A learner's first visit on a slow phone, measured in Debian's Chromium: a cold cache, the
// network throttled as Lighthouse's mobile profile simulates it (150 ms round trip, 1.6 Mbit/s
// down, 750 kbit/s up) and the CPU slowed 4×, the bundle served gzip. For each load: the first
// contentful paint, and the time until the lab serves calls (`window.labReadyMs`); then the same
// for the next visit (a reload, served by the service worker the first visit installed). With
// more than one built folder, the loads alternate between them and each is compared with the
// first (a baseline measured in the same run). Prints a Markdown table of medians.
// Usage: node scripts/bench-first-load.mjs [loads=5] [dist ...]   (default: dist)
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, dist, median, serveDist } from '../tests/e2e/harness.mjs';

const loads = Number(process.argv[2] ?? 5);
const dirs = process.argv.length > 3 ? process.argv.slice(3) : [dist];
const servers = await Promise.all(dirs.map((dir) => serveDist({ dir, compress: 'gzip' })));
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });

async function load(url) {
  const context = await browser.newContext({ viewport: { width: 412, height: 823 } });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 150,
      downloadThroughput: (1.6 * 1024 * 1024) / 8,
      uploadThroughput: (750 * 1024) / 8,
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    const measure = async () => {
      await page.waitForFunction(() => typeof window.labReadyMs === 'number', null, { timeout: 60_000 });
      return page.evaluate(() => ({
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
        ready: window.labReadyMs,
      }));
    };
    await page.goto(url);
    const first = await measure();
    await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, null, { timeout: 60_000 });
    await page.reload();
    return { first, next: await measure() };
  } finally {
    await context.close();
  }
}

const keys = ['first.fcp', 'first.ready', 'next.fcp', 'next.ready'];
const results = dirs.map(() => Object.fromEntries(keys.map((k) => [k, []])));
for (let i = 0; i < loads; i += 1) {
  for (const [k, server] of servers.entries()) {
    const { first, next } = await load(server.url);
    results[k]['first.fcp'].push(first.fcp);
    results[k]['first.ready'].push(first.ready);
    results[k]['next.fcp'].push(next.fcp);
    results[k]['next.ready'].push(next.ready);
  }
}
await browser.close();
await Promise.all(servers.map((s) => s.close()));

console.log(`| slow 4G + 4× CPU, gzip, median of ${loads} (ms) | first visit: first contentful paint | first visit: lab ready | next visit: paint | next visit: ready |`);
console.log('|---|---:|---:|---:|---:|');
for (const [k, dir] of dirs.entries()) {
  const cells = keys.map((key) => {
    const value = median(results[k][key]);
    const ratio = dirs.length > 1 && k > 0 ? ` (${(value / median(results[0][key])).toFixed(2)}×)` : '';
    return `${value.toFixed(0)}${ratio}`;
  });
  console.log(`| ${dir} | ${cells.join(' | ')} |`);
}
