// A thin driver layer, so that one test file (engines.test.mjs) runs in three browser engines:
//   chromium  Debian's Chromium, driven by playwright-core (as the rest of the suite)
//   firefox   Debian's Firefox ESR, driven by puppeteer-core over WebDriver BiDi
//   webkit    Debian's WebKitGTK (MiniBrowser), driven by selenium-webdriver in WebDriver classic
//             through WebKitWebDriver, under xvfb-run
// Nothing is downloaded: every browser comes from Debian, every driver from npm.
//
// A tab offers what a person does (click a control by its role and accessible name, type into a
// field by its label, press a key), what a test reads (evaluate a function in the page, wait until
// one is true) and a screenshot. Controls are found in the page by one finder function, so that
// the three engines find the same element the same way.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, screenshots } from './harness.mjs';

/** The engines to run, from WTL_ENGINES (comma-separated), all three by default. */
export const engines = (process.env.WTL_ENGINES ?? 'chromium,firefox,webkit').split(',').filter(Boolean);

const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const TIMEOUT = 60_000;

/**
 * Finds one element in the page, run inside the page: by `role` ('button', 'region', 'link',
 * 'status', 'tab') and accessible name, or by `label` (a <label>'s text or an aria-label);
 * `name`/`label` is an exact string or { re: source } for a regular expression; `within` narrows
 * the search to a region's name. Returns the element, or null.
 */
function finder({ role, name, label, within }) {
  const clean = (s) => (s ?? '').replace(/\s+/g, ' ').trim();
  const matches = (text, want) => (typeof want === 'string' ? clean(text) === want : new RegExp(want.re).test(clean(text)));
  const byIds = (ids) => clean(ids.split(/\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' '));
  const nameOf = (el) =>
    el.getAttribute('aria-label') ??
    (el.getAttribute('aria-labelledby') ? byIds(el.getAttribute('aria-labelledby')) : null) ??
    (el.labels?.length ? clean(el.labels[0].textContent) : null) ??
    clean(el.textContent);
  const visible = (el) => el.getClientRects().length > 0;
  const selectors = {
    button: 'button, [role="button"], summary',
    region: 'section[aria-label], section[aria-labelledby], [role="region"]',
    link: 'a[href]',
    status: '[role="status"]',
    tab: '[role="tab"]',
  };
  let root = document;
  if (within) {
    root = [...document.querySelectorAll(selectors.region)].find((el) => matches(nameOf(el), within));
    if (!root) return null;
  }
  if (label) {
    const fields = [...root.querySelectorAll('input, select, textarea')].filter(visible);
    return fields.find((el) => matches(nameOf(el), label)) ?? null;
  }
  return [...root.querySelectorAll(selectors[role])].filter(visible).find((el) => matches(nameOf(el), name)) ?? null;
}

const describeTarget = (target) =>
  `${target.role ?? 'field'} ${JSON.stringify(target.name ?? target.label)}${target.within ? ` in ${target.within}` : ''}`;

/** Waits until `find` returns an element; throws with what was looked for. */
async function poll(find, target, timeout = TIMEOUT) {
  const until = Date.now() + timeout;
  for (;;) {
    const found = await find();
    if (found) return found;
    if (Date.now() > until) throw new Error(`not found within ${timeout} ms: ${describeTarget(target)}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

async function saveScreenshot(name, bytes) {
  await mkdir(screenshots, { recursive: true });
  const path = join(screenshots, `${name}.png`);
  await writeFile(path, bytes);
  return path;
}

const freePort = () =>
  new Promise((ok, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });

// ---- Chromium (playwright-core) and Firefox (puppeteer-core): a page object with the same verbs.

function puppetTab(page, engine) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  const handle = async (target) =>
    poll(async () => {
      const h = await page.evaluateHandle(finder, target);
      const el = h.asElement();
      if (!el) await h.dispose();
      return el;
    }, target);
  const playwright = engine === 'chromium';
  return {
    engine,
    errors,
    goto: (url) => page.goto(url),
    reload: () => page.reload(),
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    waitFor: (fn, arg, timeout = TIMEOUT) =>
      playwright ? page.waitForFunction(fn, arg, { timeout }) : page.waitForFunction(fn, { timeout, polling: 50 }, arg),
    click: async (target) => (await handle(target)).click(),
    fill: async (target, text) => {
      const el = await handle(target);
      if (playwright) return el.fill(text);
      await el.click({ count: 3 });
      await page.keyboard.down('Control');
      await page.keyboard.press('a');
      await page.keyboard.up('Control');
      await page.keyboard.press('Backspace');
      return page.keyboard.type(text);
    },
    select: async (target, value) => {
      const el = await handle(target);
      return playwright ? el.selectOption(value) : el.select(value);
    },
    press: async (key) => {
      if (playwright) return page.keyboard.press(key);
      const parts = key.split('+');
      const last = parts.pop();
      for (const mod of parts) await page.keyboard.down(mod);
      await page.keyboard.press(last);
      for (const mod of parts.reverse()) await page.keyboard.up(mod);
    },
    type: (text) => page.keyboard.type(text),
    viewport: (width, height) => (playwright ? page.setViewportSize({ width, height }) : page.setViewport({ width, height })),
    screenshot: async (name) => saveScreenshot(name, await page.screenshot()),
    close: () => page.close(),
  };
}

async function launchChromium() {
  const { chromium } = await import('playwright-core');
  const profile = await mkdtemp(join(tmpdir(), 'wtl-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1440, height: 900 },
    reducedMotion: 'reduce',
    args: CHROMIUM_ARGS,
  });
  return {
    engine: 'chromium',
    newTab: async (url) => {
      const page = context.pages().find((p) => p.url() === 'about:blank') ?? (await context.newPage());
      const tab = puppetTab(page, 'chromium');
      await page.goto(url);
      return tab;
    },
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

async function launchFirefox() {
  const puppeteer = (await import('puppeteer-core')).default;
  const profile = await mkdtemp(join(tmpdir(), 'wtl-firefox-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX ?? '/usr/bin/firefox-esr',
    headless: true,
    userDataDir: profile,
    defaultViewport: { width: 1440, height: 900 },
    extraPrefsFirefox: { 'ui.prefersReducedMotion': 1 },
  });
  return {
    engine: 'firefox',
    newTab: async (url) => {
      const page = (await browser.pages()).find((p) => p.url() === 'about:blank') ?? (await browser.newPage());
      const tab = puppetTab(page, 'firefox');
      await page.goto(url);
      return tab;
    },
    close: async () => {
      await browser.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

// ---- WebKitGTK (selenium-webdriver, WebDriver classic). One driver drives one tab at a time: a
// tab switches to its window before every call.

async function launchWebKit() {
  const { Builder, Key } = await import('selenium-webdriver');
  const home = await mkdtemp(join(tmpdir(), 'wtl-webkit-'));
  // Reduced motion: GTK's animations off, read by WebKitGTK as prefers-reduced-motion.
  await mkdir(join(home, 'gtk-3.0'), { recursive: true });
  await writeFile(join(home, 'gtk-3.0', 'settings.ini'), '[Settings]\ngtk-enable-animations=0\n');
  const port = await freePort();
  const driverProcess = spawn(
    'xvfb-run',
    ['-a', '-s', '-screen 0 1920x1200x24', 'WebKitWebDriver', `--port=${port}`],
    { env: { ...process.env, XDG_CONFIG_HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_CACHE_HOME: join(home, 'cache') }, stdio: 'ignore', detached: true },
  );
  const driver = await poll(
    async () => {
      try {
        return await new Builder()
          .usingServer(`http://127.0.0.1:${port}`)
          .withCapabilities({
            browserName: 'MiniBrowser',
            'webkitgtk:browserOptions': { binary: process.env.MINIBROWSER ?? MINIBROWSER, args: ['--automation'] },
          })
          .build();
      } catch {
        return null;
      }
    },
    { role: 'WebKitWebDriver session', name: `port ${port}` },
    30_000,
  );
  await driver.manage().setTimeouts({ script: TIMEOUT, pageLoad: TIMEOUT });
  const keys = {
    Enter: Key.ENTER,
    Tab: Key.TAB,
    Escape: Key.ESCAPE,
    Home: Key.HOME,
    End: Key.END,
    ArrowRight: Key.ARROW_RIGHT,
    ArrowLeft: Key.ARROW_LEFT,
    ArrowDown: Key.ARROW_DOWN,
    ArrowUp: Key.ARROW_UP,
    Backspace: Key.BACK_SPACE,
    Delete: Key.DELETE,
    Shift: Key.SHIFT,
    Control: Key.CONTROL,
  };
  // A function run in the page, awaited there; its exception comes back as the caller's.
  const run = async (fn, arg) => {
    const out = await driver.executeAsyncScript(
      `const done = arguments[arguments.length - 1];
       Promise.resolve().then(() => (${fn})(arguments[0]))
         .then((value) => done({ value: value === undefined ? null : value }),
               (e) => done({ error: String(e && e.message || e) }));`,
      arg === undefined ? null : arg,
    );
    if (out.error !== undefined) throw new Error(out.error);
    return out.value;
  };
  let current = await driver.getWindowHandle();
  let first = true;
  const newTab = async (url) => {
    if (!first) {
      await driver.switchTo().newWindow('tab');
      current = await driver.getWindowHandle();
    }
    first = false;
    const window = current;
    const focus = async () => {
      if (current !== window) {
        await driver.switchTo().window(window);
        current = window;
      }
    };
    const element = async (target) => {
      await focus();
      return poll(async () => driver.executeScript(`return (${finder})(arguments[0])`, target), target);
    };
    const press = async (key) => {
      await focus();
      const parts = key.split('+').map((k) => keys[k] ?? k);
      const last = parts.pop();
      let actions = driver.actions();
      for (const mod of parts) actions = actions.keyDown(mod);
      actions = actions.sendKeys(last);
      for (const mod of parts.reverse()) actions = actions.keyUp(mod);
      await actions.perform();
    };
    await driver.get(url);
    return {
      engine: 'webkit',
      errors: [],
      goto: async (to) => {
        await focus();
        await driver.get(to);
      },
      reload: async () => {
        await focus();
        await driver.navigate().refresh();
      },
      evaluate: async (fn, arg) => {
        await focus();
        return run(fn, arg);
      },
      waitFor: async (fn, arg, timeout = TIMEOUT) => {
        await focus();
        const until = Date.now() + timeout;
        for (;;) {
          let value = null;
          try {
            value = await run(fn, arg);
          } catch (e) {
            // A page being replaced (a reload) has no document to run in for a moment.
            if (!/document|navigat|context|unload/i.test(String(e.message))) throw e;
          }
          if (value) return value;
          if (Date.now() > until) throw new Error(`timed out after ${timeout} ms waiting for ${fn}`);
          await new Promise((ok) => setTimeout(ok, 50));
        }
      },
      click: async (target) => (await element(target)).click(),
      fill: async (target, text) => {
        const el = await element(target);
        // A code editor's textarea lies under its highlighted copy, which WebDriver classic calls
        // not interactable; and a click can land on something else when the page moves under it
        // (a re-render above the field). Either way the field itself is then focused, as a click
        // would have, and typed into by keys.
        await el.click().catch(() => {});
        await driver.executeScript('if (document.activeElement !== arguments[0]) arguments[0].focus()', el);
        await driver.actions().keyDown(Key.CONTROL).sendKeys('a').keyUp(Key.CONTROL).sendKeys(Key.BACK_SPACE).perform();
        await driver.actions().sendKeys(text.replaceAll('\n', Key.ENTER)).perform();
      },
      select: async (target, value) => {
        const el = await element(target);
        await el.click();
        await (await el.findElement({ css: `option[value="${value}"]` })).click();
      },
      press,
      type: async (text) => {
        await focus();
        await driver.actions().sendKeys(text.replaceAll('\n', Key.ENTER)).perform();
      },
      viewport: async (width, height) => {
        await focus();
        // The window's outer size: make the page's own viewport the size asked for.
        await driver.manage().window().setRect({ width, height });
        const inner = await run(() => [innerWidth, innerHeight]);
        await driver.manage().window().setRect({ width: 2 * width - inner[0], height: 2 * height - inner[1] });
      },
      screenshot: async (name) => {
        await focus();
        return saveScreenshot(name, Buffer.from(await driver.takeScreenshot(), 'base64'));
      },
      close: async () => {
        await focus();
        await driver.close();
        const [other] = await driver.getAllWindowHandles();
        if (other) {
          await driver.switchTo().window(other);
          current = other;
        }
      },
    };
  };
  return {
    engine: 'webkit',
    newTab,
    close: async () => {
      await driver.quit().catch(() => {});
      try {
        process.kill(-driverProcess.pid);
      } catch {
        // already gone
      }
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** Starts `engine` with a fresh profile: { engine, newTab(url) → tab, close() }. */
export function launchEngine(engine) {
  switch (engine) {
    case 'chromium':
      return launchChromium();
    case 'firefox':
      return launchFirefox();
    case 'webkit':
      return launchWebKit();
    default:
      throw new Error(`unknown engine ${engine}: chromium, firefox or webkit`);
  }
}
