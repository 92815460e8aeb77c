/**
 * The demo page in a real browser (Debian's chromium, driven by playwright-core; never a
 * downloaded browser): connect the MFA account through the form (a wrong code first shows
 * the 422, then the right code connects), then the activities list and the chart of daily
 * calories burned and steps fill in; then, while Garmin blocks password logins from the cloud,
 * the password connect shows the block and "Sign in on Garmin's page" (the device path, on the
 * simulator's user's-network address, MFA included) connects. Runs on the emulators of the
 * integration global setup.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MFA_ACCOUNT } from '../../scripts/demo/walkthrough';
import { SimulatorClient } from '../support/simulator-client';
import { type DemoHarness, startDemoHarness } from '../integration/demo/harness';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let h: DemoHarness;
let browser: Browser;
let page: Page;
let sim: SimulatorClient;
const problems: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: run \`npm run setup\` (it installs Debian's chromium)`);
  [h, browser] = await Promise.all([startDemoHarness(), chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 })]);
  sim = new SimulatorClient(h.simulatorUrl);
  page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // Chromium logs every 4xx/5xx as a failed resource; the API answers 404, 422 and 503 (a login block) on purpose here.
    if (message.type() === 'error' && !/^Failed to load resource: the server responded with a status of (404|422|503)\b/.test(message.text())) {
      problems.push(`console: ${message.text()}`);
    }
  });
  // Only our own server and Garmin's (the simulator's) sign-in page: anything else would be a page reaching for the internet.
  page.on('request', (request) => {
    const url = request.url();
    if (![h.url, sim.userUrl, 'data:'].some((allowed) => url.startsWith(allowed))) problems.push(`external request: ${url}`);
  });
});

afterAll(async () => {
  if (page && process.env.E2E_SCREENSHOT_DIR) {
    mkdirSync(process.env.E2E_SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(process.env.E2E_SCREENSHOT_DIR, 'demo-page.png'), fullPage: true }).catch(() => undefined);
  }
  await browser?.close();
  await h?.stop();
});

describe('the demo page', () => {
  it('connects the MFA account (wrong code → error, right code → connected), lists activities and charts calories and steps', async () => {
    const user = `e2e-${Date.now()}`;
    await page.goto(`${h.url}/?user=${user}`);
    await expect.poll(() => page.textContent('#user-id')).toBe(user);
    await page.waitForSelector('#connection[data-status="not_connected"]');

    await page.fill('#username', MFA_ACCOUNT.username);
    await page.fill('#password', MFA_ACCOUNT.password);
    await page.click('#connect-button');
    await page.waitForSelector('#mfa-form:not([hidden])', { timeout: 30_000 });
    expect(await page.isHidden('#connect-form')).toBe(true);

    await page.fill('#mfa-code', '000000');
    await page.click('#mfa-button');
    const error = await page.waitForSelector('#connect-error:not([hidden])', { timeout: 30_000 });
    expect(await error.textContent()).toMatch(/GARMIN_MFA_INVALID, HTTP 422/);
    expect(await page.isVisible('#mfa-form')).toBe(true);

    await page.fill('#mfa-code', MFA_ACCOUNT.code);
    await page.click('#mfa-button');
    await page.waitForSelector('#connection[data-status="active"]', { timeout: 30_000 });
    expect(await page.isHidden('#connect-error')).toBe(true);
    expect(await page.textContent('#connection-username')).toContain(MFA_ACCOUNT.username);

    // The queue poller runs the backfill; the page polls the connection and then reloads the data.
    await page.waitForSelector('#connection[data-backfill-done="true"]', { timeout: 60_000 });
    await page.waitForSelector('#activities tr.activity', { timeout: 30_000 });
    const rows = await page.$$eval('#activities tr.activity', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent ?? '')));
    expect(rows.length).toBeGreaterThan(0);
    for (const [start, , type] of rows) {
      expect(start).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      expect(type).not.toBe('–');
    }

    await page.waitForSelector('#chart svg', { timeout: 30_000 });
    const points = Number(await page.getAttribute('#chart', 'data-points'));
    expect(points).toBeGreaterThanOrEqual(25);
    const series = await page.$$eval('#chart svg g.series', (groups) =>
      groups.map((g) => ({
        name: g.getAttribute('data-series'),
        values: [...g.querySelectorAll('circle.point')].map((c) => Number(c.getAttribute('data-value'))),
        hasLine: g.querySelector('path.line') !== null,
      })),
    );
    expect(series.map((s) => s.name)).toEqual(['calories', 'steps']);
    for (const s of series) {
      expect(s.values).toHaveLength(points);
      expect(s.hasLine).toBe(true);
      expect(s.values.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    }
    // Calories burned include the basal rate: well above zero every day, and not all equal.
    expect(new Set(series[0]?.values).size).toBeGreaterThan(1);

    expect(problems).toEqual([]);
  });

  it('while Garmin blocks password logins from the cloud, connects through "Sign in on Garmin\'s page" (MFA included)', async () => {
    await sim.blockSso({ status: 429, network: 'cloud' });
    try {
      const user = `e2e-device-${Date.now()}`;
      await page.goto(`${h.url}/?user=${user}`);
      await page.waitForSelector('#connection[data-status="not_connected"]');

      await page.fill('#username', MFA_ACCOUNT.username);
      await page.fill('#password', MFA_ACCOUNT.password);
      await page.click('#connect-button');
      const blocked = await page.waitForSelector('#connect-error:not([hidden])', { timeout: 30_000 });
      expect(await blocked.textContent()).toMatch(/Sign in on Garmin's page on your own device.*GARMIN_LOGIN_BLOCKED, HTTP 503/);

      await page.click('#garmin-sign-in-button');
      await page.waitForURL(`${sim.userUrl}/sso/**`);
      await page.fill('#email', MFA_ACCOUNT.username);
      await page.fill('#password', MFA_ACCOUNT.password);
      await page.click('#login-btn-signin');
      await page.fill('#mfa-code', MFA_ACCOUNT.code);
      await page.click('#mfa-verify');

      await page.waitForURL(`${h.url}/`);
      await page.waitForSelector('#connection[data-status="active"]', { timeout: 30_000 });
      expect(await page.textContent('#user-id')).toBe(user);
      // The ticket left the address bar as soon as the page read it.
      expect(page.url()).toBe(`${h.url}/`);
      expect(await page.isHidden('#connect-error')).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await sim.unblockSso();
    }
  });
});
