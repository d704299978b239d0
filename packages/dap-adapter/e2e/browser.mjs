// Debian's Chromium, headless, driven by playwright-core (no browser download: executablePath),
// logged in to code-server through its login page as a person would.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

/** UMVIEW_CHROMIUM overrides Debian's binary. */
export const CHROMIUM = process.env.UMVIEW_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Playwright's per-action timeout: the e2e's hang guard (as vitest's timeout is for the suite),
 * never a measure: each wait is for the element or text that proves a state. Generous, because
 * the first F5 starts the extension host's adapter and a 2-vCPU CI machine may be busy.
 * UMVIEW_E2E_HANG_GUARD_MS shortens it while working on the scenario.
 */
export const HANG_GUARD_MS = Number(process.env.UMVIEW_E2E_HANG_GUARD_MS ?? 180_000);

export async function openBrowser(screenshotDir) {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install chromium, or set UMVIEW_CHROMIUM)`);
  // Playwright passes --no-sandbox (chromiumSandbox: false), which Chromium needs as root.
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  context.setDefaultTimeout(HANG_GUARD_MS);
  const page = await context.newPage();
  let count = 0;
  let last;
  /** A numbered screenshot of the whole page; returns its path. */
  const screenshot = async (name) => {
    count += 1;
    const path = join(screenshotDir, `${String(count).padStart(2, '0')}-${name.replace(/[^A-Za-z0-9-]+/g, '-')}.png`);
    await page.screenshot({ path });
    last = path;
    return path;
  };
  return { browser, page, screenshot, lastScreenshot: () => last, close: () => browser.close() };
}

/** code-server's login page: the password field (its only input of type password) and Enter. */
export async function logIn(page, url, password) {
  await page.goto(`${url}/login`);
  // The login form has one password input; code-server gives it no accessible label of its own.
  await page.locator('input[type="password"]').fill(password);
  await Promise.all([page.waitForURL((target) => !target.pathname.startsWith('/login')), page.keyboard.press('Enter')]);
}
