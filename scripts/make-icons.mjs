// Renders the app's icons (static/icons/*.png) from the favicon's drawing with Debian's Chromium.
// Run it after changing the drawing: node scripts/make-icons.mjs. The PNGs are committed, so a
// build needs no browser.
import { chromium } from 'playwright-core';
import { mkdir } from 'node:fs/promises';

// The favicon's picture, on a full square for the maskable icon (whose outer 10 % may be cut
// off by the launcher's mask), and with rounded corners for the plain ones.
const picture = (size, maskable) => {
  const pad = maskable ? 0.2 : 0;
  const inner = 32 * (1 + 2 * pad);
  const off = 32 * pad;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="${-off} ${-off} ${inner} ${inner}">
    <rect x="${-off}" y="${-off}" width="${inner}" height="${inner}" rx="${maskable ? 0 : 7}" fill="#1d2330"/>
    <rect x="5" y="8" width="9" height="16" rx="2" fill="#c0392b"/>
    <rect x="18" y="8" width="9" height="16" rx="2" fill="#1f7a4d"/>
    <path d="M11 16h10" stroke="#fff" stroke-width="2.5" stroke-linecap="round"/>
  </svg>`;
};

await mkdir('static/icons', { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const page = await browser.newPage();
for (const [name, size, maskable] of [
  ['icon-192.png', 192, false],
  ['icon-512.png', 512, false],
  ['icon-maskable-512.png', 512, true],
  ['apple-touch-icon-180.png', 180, true],
]) {
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(`<html><body style="margin:0;background:transparent">${picture(size, maskable)}</body></html>`);
  await page.locator('svg').screenshot({ path: `static/icons/${name}`, omitBackground: !maskable });
  console.log(`static/icons/${name}`);
}
await browser.close();
