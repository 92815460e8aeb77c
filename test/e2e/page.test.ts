/**
 * The demo page in a real browser (Debian's chromium, driven by playwright-core; never a
 * downloaded browser), at a phone's width (360×740) and a desktop's (1280×800):
 *   - a seeded account connected through the form: the energy balance, weight, hydration and
 *     sleep panels show what the API answers (a day without wellness data as such, intake
 *     when Garmin has it), activities page through the API's cursor, nothing scrolls sideways,
 *     and the connect form is disabled while the account is connected;
 *   - the MFA account: a wrong code shows the 422, "Cancel connecting" ends the attempt (the
 *     API then knows neither the attempt nor a connection), and a new try with the right code
 *     connects;
 *   - while Garmin blocks password logins from the cloud, "Sign in on Garmin's page" (the
 *     device path, on the simulator's user's-network address, MFA included) connects.
 * With UPDATE_SCREENSHOTS=1 it writes docs/screenshots/page-{360,1280}.png (never compared).
 * Runs on the emulators of the integration global setup.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDate } from '../../functions/core/shared/local-time';
import { MFA_ACCOUNT } from '../../scripts/demo/walkthrough';
import { REPO_ROOT } from '../../scripts/local/paths';
import { RECORDED_DAILY_SUMMARY } from '../simulator/recorded';
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
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1280, height: 800 };
const SCREENSHOT_DIR = process.env.UPDATE_SCREENSHOTS === '1' ? path.join(REPO_ROOT, 'docs', 'screenshots') : undefined;
const ZONE = 'Europe/Berlin';
/** The page's activity page size (web/app.js ACTIVITIES_PER_PAGE). */
const PAGE_SIZE = '10';

let h: DemoHarness;
let browser: Browser;
let page: Page;
let sim: SimulatorClient;
const problems: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: run \`npm run setup\` (it installs Debian's chromium)`);
  [h, browser] = await Promise.all([startDemoHarness(), chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 })]);
  sim = new SimulatorClient(h.simulatorUrl);
  page = await browser.newPage({ viewport: DESKTOP });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // Chromium logs every 4xx/5xx as a failed resource; the API answers 404, 422, 429 (a refused read, routed) and 503 (a login block) on purpose here.
    if (message.type() === 'error' && !/^Failed to load resource: the server responded with a status of (404|422|429|503)\b/.test(message.text())) {
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
  await browser?.close();
  await h?.stop();
});

/** GET a documented route as `user` (the harness checks the answer against the OpenAPI document). */
const apiGet = async <T>(user: string, template: string, query?: Record<string, string>, pathParams?: Record<string, string>): Promise<{ status: number; body: T }> => {
  const answer = await h.call('GET', template, { token: await h.tokenFor(user), ...(query ? { query } : {}), ...(pathParams ? { path: pathParams } : {}) });
  return { status: answer.status, body: answer.body as T };
};

/** In the page (the test is compiled without the DOM library, hence the narrow type). */
const noSidewaysScroll = () =>
  page.evaluate(() => {
    const w = globalThis as unknown as { document: { documentElement: { scrollWidth: number } }; innerWidth: number };
    return w.document.documentElement.scrollWidth <= w.innerWidth;
  });

/** "2,310" → 2310. */
const shownNumber = (text: string | null | undefined) => Number((text ?? '').replace(/,/g, ''));
const grouped = (n: number) => Math.round(n).toLocaleString('en-US');
const hoursMinutes = (seconds: number) => {
  const minutes = Math.round(seconds / 60);
  return minutes >= 60 ? `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min` : `${minutes} min`;
};
const DAY_FORMAT = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)$/;

interface EnergyDay { date: string; wellnessData: boolean; totalKcal: number | null; consumedKcal: number | null }
interface WeighIn { date: string; weightKg: number | null }
interface HydrationDay { date: string; intakeMl: number | null; goalMl: number | null }
interface SleepNight { date: string; sleepSeconds: number | null; score: number | null }
interface ActivityPage { items: Array<{ activityId: string }>; nextCursor: string | null }
interface ConnectionAnswer { connection: { lastSyncTime: string | null; backfill: { done: boolean } } }

describe('the demo page', () => {
  it('at 360 px and 1280 px: shows energy balance, weight, hydration and sleep as the API has them, pages activities, never scrolls sideways', async () => {
    await page.setViewportSize(PHONE);
    const email = `page-${Date.now()}@example.com`;
    await sim.createAccount({ email, password: 'correct-horse', timeZone: ZONE, seeded: true, days: 30 });
    const today = localDate(new Date(), ZONE);
    const [eatenDay, blankDay] = [addDays(today, -2), addDays(today, -4)];
    await sim.setDay(email, eatenDay, {
      summary: { ...(RECORDED_DAILY_SUMMARY as Record<string, unknown>), calendarDate: eatenDay, includesCalorieConsumedData: true, consumedKilocalories: 1900.0 },
    });
    await sim.setDay(email, blankDay, { noData: true });

    const user = `e2e-phone-${Date.now()}`;
    await page.goto(`${h.url}/?user=${user}`);
    await page.waitForSelector('#connection[data-status="not_connected"]');
    expect(await noSidewaysScroll()).toBe(true);
    await page.fill('#username', email);
    await page.fill('#password', 'correct-horse');
    await page.click('#connect-button');
    await page.waitForSelector('#connection[data-status="active"]', { timeout: 30_000 });
    // One connection per user: the form is disabled while it exists.
    expect(await page.getAttribute('#connect-fields', 'disabled')).not.toBeNull();
    expect(await page.isDisabled('#connect-button')).toBe(true);
    expect(await page.isDisabled('#password')).toBe(true);
    expect(await page.isVisible('#connected-note')).toBe(true);

    // The backfill ends; then the page shows what the API held after the last sync.
    await expect.poll(async () => (await apiGet<ConnectionAnswer>(user, '/garmin/connection')).body.connection.backfill.done, { timeout: 120_000, interval: 500 }).toBe(true);
    const { lastSyncTime } = (await apiGet<ConnectionAnswer>(user, '/garmin/connection')).body.connection;
    await expect.poll(() => page.getAttribute('body', 'data-shown-sync'), { timeout: 30_000 }).toSatisfy((shown: string | null) => (shown ?? '') >= (lastSyncTime ?? ''));

    // Energy: a row per day of the last 14, burned as the API says, the blank day as "no data", intake where known.
    // (Today is left out of the comparisons: Garmin's today grows while the test runs.)
    const energy = (await apiGet<{ items: EnergyDay[] }>(user, '/garmin/energy', { from: addDays(today, -13), to: today })).body.items;
    const energyRows = await page.$$eval('#energy-rows tr', (trs) =>
      trs.map((tr) => ({
        date: tr.getAttribute('data-date'),
        wellness: tr.getAttribute('data-wellness'),
        day: tr.querySelector('td')?.textContent,
        burned: tr.querySelector('.burned')?.textContent,
        eaten: tr.querySelector('.eaten')?.textContent,
      })),
    );
    expect(energyRows.map((r) => r.date)).toEqual(Array.from({ length: 14 }, (_, i) => addDays(today, i - 13)));
    for (const r of energyRows) expect(r.day).toMatch(DAY_FORMAT);
    const pastDays = energy.filter((d) => d.date < today);
    const lastWholeDay = pastDays.filter((d) => d.wellnessData).pop();
    expect(pastDays.filter((d) => d.wellnessData).length).toBeGreaterThanOrEqual(10);
    for (const day of pastDays) {
      const shown = energyRows.find((r) => r.date === day.date);
      if (day.wellnessData) {
        expect(shown?.wellness, day.date).toBe('yes');
        expect(shownNumber(shown?.burned), day.date).toBe(Math.round(day.totalKcal ?? NaN));
      } else {
        expect(shown?.wellness, day.date).toBe('none');
      }
    }
    expect(energy.find((d) => d.date === blankDay)).toMatchObject({ wellnessData: false, totalKcal: null });
    expect(await page.$(`#energy-chart g.day.no-data[data-date="${blankDay}"]`)).not.toBeNull();
    expect(energy.find((d) => d.date === eatenDay)?.consumedKcal).toBe(1900);
    expect(energyRows.find((r) => r.date === eatenDay)?.eaten).toBe('1,900');
    expect(await page.$(`#energy-chart g.day[data-date="${eatenDay}"] line.consumed`)).not.toBeNull();
    expect(await page.$$('#energy-chart g.day:not(.no-data) rect.active')).toHaveLength(energyRows.filter((r) => r.wellness === 'yes').length);
    // The headline: the last whole day's burn, as the API gives it.
    expect(await page.textContent('#energy-headline')).toMatch(new RegExp(`: burned ${grouped(lastWholeDay?.totalKcal ?? NaN)} kcal = [\\d,]+ resting \\+ [\\d,]+ active`));

    // Weight: the newest weigh-in first in the table and in the headline, a point per weigh-in.
    const weighIns = (await apiGet<{ items: WeighIn[] }>(user, '/garmin/weight', { from: addDays(today, -29), to: today })).body.items.filter((w) => w.weightKg !== null);
    expect(weighIns.length).toBeGreaterThan(3);
    const newest = weighIns[weighIns.length - 1];
    const firstWeightRow = await page.$eval('#weight-rows tr', (tr) => ({ date: tr.getAttribute('data-date'), kg: tr.children[1]?.textContent }));
    expect(firstWeightRow).toEqual({ date: newest?.date, kg: newest?.weightKg?.toFixed(1) });
    expect(await page.textContent('#weight-headline')).toContain(`${newest?.weightKg?.toFixed(1)} kg on `);
    expect(await page.$$('#weight-chart circle.weight-point')).toHaveLength(weighIns.length);

    // Hydration: intake against goal per day, as the API says.
    const hydration = (await apiGet<{ items: HydrationDay[] }>(user, '/garmin/hydration', { from: addDays(today, -6), to: today })).body.items;
    expect(hydration.filter((d) => d.date < today && d.intakeMl !== null).length).toBeGreaterThan(3);
    for (const day of hydration.filter((d) => d.date < today)) {
      const text = await page.textContent(`#hydration li[data-date="${day.date}"] .bar-text`);
      const intake = day.intakeMl === null ? 'nothing logged' : `${grouped(day.intakeMl)} ml`;
      expect(text, day.date).toContain(day.goalMl ? `${intake} of ${grouped(day.goalMl)} ml goal` : intake);
    }

    // Sleep: duration per night and the score when Garmin gives one.
    const nights = (await apiGet<{ items: SleepNight[] }>(user, '/garmin/sleep', { from: addDays(today, -6), to: today })).body.items;
    expect(nights.length).toBeGreaterThan(3);
    for (const night of nights) {
      const text = await page.textContent(`#sleep li[data-date="${night.date}"] .bar-text`);
      expect(text, night.date).toContain(`${hoursMinutes(night.sleepSeconds ?? NaN)} asleep`);
      if (night.score !== null) expect(text, night.date).toContain(`score ${night.score}`);
    }
    expect(await page.$$('#sleep .bar-part.deep')).toHaveLength(nights.length);

    // Activities: newest first, a page at a time through the API's cursor, and back.
    const first = (await apiGet<ActivityPage>(user, '/garmin/activities', { limit: PAGE_SIZE })).body;
    expect(first.nextCursor).not.toBeNull();
    const second = (await apiGet<ActivityPage>(user, '/garmin/activities', { limit: PAGE_SIZE, cursor: first.nextCursor ?? '' })).body;
    const shownIds = () => page.$$eval('#activities tr.activity', (trs) => trs.map((tr) => tr.getAttribute('data-activity-id')));
    expect(await shownIds()).toEqual(first.items.map((a) => a.activityId));
    expect(await page.isDisabled('#activities-newer')).toBe(true);
    for (const start of await page.$$eval('#activities tr.activity td:first-child', (tds) => tds.map((td) => td.textContent ?? ''))) {
      expect(start).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{2}:\d{2}$/);
    }
    await page.click('#activities-older');
    await expect.poll(shownIds, { timeout: 10_000 }).toEqual(second.items.map((a) => a.activityId));
    expect(await page.textContent('#activities-page')).toBe('page 2');
    await page.click('#activities-newer');
    await expect.poll(shownIds, { timeout: 10_000 }).toEqual(first.items.map((a) => a.activityId));
    expect(await page.isDisabled('#activities-newer')).toBe(true);

    // Nothing scrolls sideways at 360 px, the figure tables opened included.
    expect(await noSidewaysScroll()).toBe(true);
    for (const summary of await page.$$('details summary')) await summary.click();
    expect(await noSidewaysScroll()).toBe(true);
    for (const summary of await page.$$('details summary')) await summary.click();
    if (SCREENSHOT_DIR) {
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'page-360.png'), fullPage: true });
    }

    // At a desktop's width the charts are redrawn to fill it, totals written over the bars.
    await page.setViewportSize(DESKTOP);
    await expect.poll(() => page.$eval('#energy-chart svg', (svg) => Number(svg.getAttribute('width'))), { timeout: 10_000 }).toBeGreaterThan(1000);
    const totals = await page.$$eval('#energy-chart text.value', (texts) => texts.map((t) => t.textContent));
    expect(totals).toContain(grouped(lastWholeDay?.totalKcal ?? NaN));
    expect(await noSidewaysScroll()).toBe(true);
    if (SCREENSHOT_DIR) await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'page-1280.png'), fullPage: true });

    // A read refused (429, as over the API's per-user request limit) leaves its panel empty with the error
    // shown, the others load; the page reads it again at the next poll and recovers.
    const refused = { error: { code: 'TOO_MANY_REQUESTS', message: 'Too many requests' } };
    await page.route(`${h.url}/garmin/sleep?**`, (route) => route.fulfill({ status: 429, contentType: 'application/json', headers: { 'retry-after': '1' }, body: JSON.stringify(refused) }));
    await page.reload();
    await page.waitForSelector('#data-error:not([hidden])', { timeout: 30_000 });
    expect(await page.textContent('#data-error')).toContain('/garmin/sleep: Too many requests (TOO_MANY_REQUESTS, HTTP 429)');
    expect(await page.$$('#sleep li')).toHaveLength(0);
    expect(await page.$$('#hydration li')).not.toHaveLength(0);
    await page.unroute(`${h.url}/garmin/sleep?**`);
    await page.waitForSelector('#data-error', { state: 'hidden', timeout: 30_000 });
    expect(await page.$$('#sleep li')).toHaveLength(nights.length);
    expect(problems).toEqual([]);
  });

  it('cancels a pending MFA attempt (the API then has neither the attempt nor a connection), then connects with the right code', async () => {
    await page.setViewportSize(DESKTOP);
    const user = `e2e-mfa-${Date.now()}`;
    await page.goto(`${h.url}/?user=${user}`);
    await page.waitForSelector('#connection[data-status="not_connected"]');

    const connect = async (): Promise<string> => {
      await page.fill('#username', MFA_ACCOUNT.username);
      await page.fill('#password', MFA_ACCOUNT.password);
      const posted = page.waitForResponse((r) => r.url() === `${h.url}/garmin/connection` && r.request().method() === 'POST', { timeout: 30_000 });
      await page.click('#connect-button');
      const answer = (await (await posted).json()) as { attemptId: string };
      await page.waitForSelector('#mfa-form:not([hidden])', { timeout: 30_000 });
      expect(await page.isHidden('#connect-form')).toBe(true);
      return answer.attemptId;
    };

    const attemptId = await connect();
    await page.fill('#mfa-code', '000000');
    await page.click('#mfa-button');
    const error = await page.waitForSelector('#connect-error:not([hidden])', { timeout: 30_000 });
    expect(await error.textContent()).toMatch(/GARMIN_MFA_INVALID, HTTP 422/);
    expect(await page.isVisible('#mfa-form')).toBe(true);

    await page.click('#cancel-attempt-button');
    await page.waitForSelector('#connect-form:not([hidden])');
    expect(await page.isHidden('#mfa-form')).toBe(true);
    expect(await page.textContent('#connect-message')).toMatch(/^Cancelled/);
    expect(await page.isEnabled('#connect-button')).toBe(true);
    expect((await apiGet(user, '/garmin/connection/attempts/{attemptId}', undefined, { attemptId })).status).toBe(404);
    expect((await apiGet(user, '/garmin/connection')).status).toBe(404);

    await connect();
    await page.fill('#mfa-code', MFA_ACCOUNT.code);
    await page.click('#mfa-button');
    await page.waitForSelector('#connection[data-status="active"]', { timeout: 30_000 });
    expect(await page.isHidden('#connect-error')).toBe(true);
    expect(await page.textContent('#connection-username')).toContain(MFA_ACCOUNT.username);
    expect(await page.isDisabled('#connect-button')).toBe(true);
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
