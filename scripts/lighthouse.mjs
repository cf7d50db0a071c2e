// Lighthouse, the web's common yardstick, on the release bundle (dist/) served on loopback with
// compression (brotli or gzip, as a static host would), against Debian's Chromium, with its
// default settings (mobile, simulated throttling). Prints the category scores and the metrics.
// Usage: node scripts/lighthouse.mjs [runs=3]   (CHROME_PATH defaults to /usr/bin/chromium;
// WTL_ENCODING=gzip serves gzip only, as a host without brotli would)
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { serveDist, median } from '../tests/e2e/harness.mjs';

const runs = Number(process.argv[2] ?? 3);
const gzipOnly = process.env.WTL_ENCODING === 'gzip';
const server = await serveDist({ compress: gzipOnly ? 'gzip' : true });
const results = [];
for (let i = 0; i < runs; i += 1) {
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const { lhr } = await lighthouse(server.url, { port: chrome.port, output: 'json', logLevel: 'error' });
    results.push(lhr);
  } finally {
    await chrome.kill();
  }
}
await server.close();

const categories = ['performance', 'accessibility', 'best-practices', 'seo'];
const metrics = ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index'];
console.log(`| Lighthouse ${results[0].lighthouseVersion} (${results[0].configSettings.formFactor}, ${results[0].configSettings.throttlingMethod} throttling, ${gzipOnly ? 'gzip' : 'brotli'}), median of ${runs} | result |`);
console.log('|---|---:|');
for (const c of categories) {
  console.log(`| ${results[0].categories[c].title} | ${median(results.map((r) => Math.round(r.categories[c].score * 100)))} |`);
}
console.log(`| Performance, each run | ${results.map((r) => Math.round(r.categories.performance.score * 100)).join(', ')} |`);
for (const m of metrics) {
  const values = results.map((r) => r.audits[m].numericValue);
  const unit = m === 'cumulative-layout-shift' ? '' : ' ms';
  console.log(`| ${results[0].audits[m].title} | ${median(values).toFixed(m === 'cumulative-layout-shift' ? 3 : 0)}${unit} |`);
}
// What kept a category from a full score, in the last run.
const failing = Object.values(results.at(-1).audits).filter(
  (a) => a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'manual',
);
if (failing.length) {
  console.log();
  console.log('Audits below 0.9 in the last run:');
  for (const a of failing) console.log(`- ${a.id}: ${a.title} (${a.displayValue ?? a.score})`);
}
