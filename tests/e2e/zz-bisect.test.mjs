import { test } from 'node:test';
import { shareServerAndBrowser, openLab } from '/work/main/tests/e2e/harness.mjs';
const shared = shareServerAndBrowser();
test('bisect', async () => {
  const { page } = await openLab(shared.browser.context, shared.server.url, { reset: true });
  page.on('worker', (w) => w.on('console', (m) => console.log('WORKER ' + m.text().slice(0, 2000))));
  const s = 'import json\nprint(json.dumps([1]))';
  for (let i = 0; i < 25; i++) {
    const t = Date.now();
    const got = await page.evaluate((src) => window.lab.run_python(src).then((r) => r.output.trim(), (e) => `raised: ${e.message.split('\n').pop()}`), s);
    console.log(`=== ${i}: ${got} ${Date.now() - t} ms`);
  }
});
