import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(process.cwd(), 'test-artifacts', 'screenshots');

/**
 * Reports every Content-Security-Policy violation of a page: Chromium fires
 * `securitypolicyviolation` on the document (also for blocked workers, media, sockets), which we log
 * to the console where Playwright sees it; its own "Refused to …" console lines are caught too.
 */
export function watchCsp(page: Page, into: string[]): void {
  void page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`));
  });
  page.on('console', (message) => {
    if (/CSP violation|Content Security Policy|Refused to (load|execute|connect|apply|create|frame)/i.test(message.text())) into.push(`${page.url()}: ${message.text()}`);
  });
}

/**
 * Debian's Chromium, headless; Playwright gives each launch a fresh temporary profile. The flags keep
 * it off the (closed) network. Every page opened with `browser.newPage` is watched for CSP
 * violations: specs assert `cspViolations()` is empty, so a policy that breaks the dashboard fails them.
 */
export async function launchBrowser(extraArgs: string[] = []): Promise<{ browser: Browser; close(): Promise<void>; cspViolations(): string[] }> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 60_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic', ...extraArgs],
  });
  const violations: string[] = [];
  const newPage = browser.newPage.bind(browser);
  browser.newPage = async (...args: Parameters<Browser['newPage']>) => {
    const page = await newPage(...args);
    watchCsp(page, violations);
    return page;
  };
  return {
    browser,
    async close() {
      await browser.close().catch(() => undefined);
    },
    cspViolations: () => [...violations],
  };
}

/** Signs in on the dashboard's login page and waits for the channel list (where the dashboard lands). */
export async function logIn(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL(/\/channels/, { timeout: 15_000 });
}
