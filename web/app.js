/* global document, window, location, fetch, setTimeout, clearTimeout, URLSearchParams, history, sessionStorage */
// The demo page: plain ES modules, no build step, no framework, nothing from a CDN.
// It gets a token for its user from the demo server (GET /demo/token, which exists only
// in `npm run demo` / `npm run dev`), then speaks the same HTTP API an app would: what a
// nutrition app shows (energy balance, weight, hydration, sleep) and the activities.
import { energyChart, weightChart } from './charts.js';
import { addDays, datesFrom, formatDay, formatDuration, formatLocal, formatMoment, formatNumber, wallClock } from './format.js';

const $ = (id) => document.getElementById(id);
const CONNECTION_POLL_MS = 3000;
const ATTEMPT_POLL_MS = 1000;
/** Days shown per panel, ending today in the user's zone. */
const RANGE_DAYS = { energy: 14, weight: 30, hydration: 7, sleep: 7 };
const ACTIVITIES_PER_PAGE = 10;

const state = {
  token: '',
  userId: '',
  connection: null,
  /** What the data views last showed, so they reload only after a sync. */
  shownSync: undefined,
  attemptId: null,
  attemptTimer: undefined,
  /** Where the demo server starts a sign-in on Garmin's page ('' when it offers none). */
  garminSignInPath: '',
  /** The user's Garmin time zone (from the profile), the browser's until it is synced. */
  timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  /** Cursors of the activity pages up to the one shown: [undefined] is the newest page. */
  activityCursors: [undefined],
  activityNext: null,
  /** What the charts were last drawn from, to redraw them at a new width. */
  drawn: { energy: null, weight: null },
};

// ------------------------------------------------------------------------------------
// API
// ------------------------------------------------------------------------------------

/** The user the page left with for Garmin's sign-in page, when it comes back from there. */
const RETURNING_USER = 'demo-user-signing-in';

async function loadToken() {
  const returning = new URLSearchParams(location.hash.slice(1)).has('ticket');
  const user = new URLSearchParams(location.search).get('user') || (returning ? sessionStorage.getItem(RETURNING_USER) : null);
  const response = await fetch(`/demo/token${user ? `?user=${encodeURIComponent(user)}` : ''}`);
  if (!response.ok) throw new Error(`no demo token (${response.status}): is this the demo server?`);
  const body = await response.json();
  state.token = body.token;
  state.userId = body.userId;
  state.garminSignInPath = body.garminSignInPath || '';
  $('device-sign-in').hidden = !state.garminSignInPath;
  $('user-id').textContent = body.userId;
}

/** Calls the API; resolves to {status, body, headers}; never throws on HTTP errors. */
async function api(method, path, body, retried = false) {
  const response = await fetch(path, {
    method,
    headers: {
      authorization: `Bearer ${state.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status === 401 && !retried) {
    // The token expired (12 h): get a fresh one, then retry once.
    await loadToken();
    return api(method, path, body, true);
  }
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { error: { code: 'NOT_JSON', message: text.slice(0, 200) } };
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

const errorText = (answer) => {
  const error = answer.body && answer.body.error;
  const base = error ? `${error.message} (${error.code}, HTTP ${answer.status})` : `HTTP ${answer.status}`;
  const retryAfter = answer.headers.get('retry-after');
  return retryAfter ? `${base}; try again in ${retryAfter} s` : base;
};

// ------------------------------------------------------------------------------------
// Connect and MFA
// ------------------------------------------------------------------------------------

function showError(text) {
  $('connect-error').textContent = text;
  $('connect-error').hidden = !text;
}

function showMessage(text) {
  $('connect-message').textContent = text;
}

function setBusy(button, busy, label) {
  button.disabled = busy;
  if (label) button.textContent = label;
}

/** An attempt runs: the connect form gives way to its progress (and the MFA form), with a cancel. */
function showAttempt(attemptId) {
  state.attemptId = attemptId;
  $('connect-form').hidden = true;
  $('device-sign-in').classList.add('during-attempt');
  $('attempt-actions').hidden = false;
}

function showMfaForm(attemptId) {
  showAttempt(attemptId);
  $('mfa-form').hidden = false;
  $('mfa-code').value = '';
  $('mfa-code').focus();
  showMessage('Garmin asks for an MFA code.');
}

function resetConnectForms() {
  clearTimeout(state.attemptTimer);
  state.attemptId = null;
  $('mfa-form').hidden = true;
  $('attempt-actions').hidden = true;
  $('device-sign-in').classList.remove('during-attempt');
  $('connect-form').hidden = false;
}

/** 201 connected, 202 pending or mfa_required, or an error: one place decides what shows. */
async function handleConnectAnswer(answer) {
  if (answer.status === 201) {
    resetConnectForms();
    showError('');
    showMessage(`Connected ${answer.body.connection.username}. The backfill sync runs in the background.`);
    await refreshConnection();
    return;
  }
  if (answer.status === 202) {
    showError('');
    if (answer.body.status === 'mfa_required') {
      showMfaForm(answer.body.attemptId);
    } else {
      showAttempt(answer.body.attemptId);
      showMessage('Garmin is still answering the login…');
      pollAttempt();
    }
    return;
  }
  showMessage('');
  showError(errorText(answer));
}

async function pollAttempt() {
  clearTimeout(state.attemptTimer);
  if (!state.attemptId) return;
  const attemptId = state.attemptId;
  const answer = await api('GET', `/garmin/connection/attempts/${encodeURIComponent(attemptId)}`);
  // Cancelled (or replaced) while this poll was on its way: its answer is stale.
  if (state.attemptId !== attemptId) return;
  if (answer.status !== 200) {
    showError(errorText(answer));
    resetConnectForms();
    return;
  }
  const { status, error } = answer.body;
  if (status === 'connected') {
    resetConnectForms();
    showMessage('Connected. The backfill sync runs in the background.');
    await refreshConnection();
  } else if (status === 'failed') {
    resetConnectForms();
    showMessage('');
    showError(error ? `${error.message} (${error.code})` : 'The connection failed');
  } else {
    if (status === 'mfa_required' && $('mfa-form').hidden) showMfaForm(state.attemptId);
    state.attemptTimer = setTimeout(pollAttempt, ATTEMPT_POLL_MS);
  }
}

$('connect-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const button = $('connect-button');
  setBusy(button, true, 'Connecting…');
  showError('');
  showMessage('Logging in to Garmin…');
  try {
    await handleConnectAnswer(
      await api('POST', '/garmin/connection', {
        username: $('username').value.trim(),
        password: $('password').value,
        rememberPassword: $('remember').checked,
      }),
    );
  } catch (error) {
    showError(String(error));
  } finally {
    setBusy(button, false, 'Connect');
    $('password').value = '';
  }
});

// The device path: the user signs in on Garmin's own page (here the simulator's, on its
// user's-network address); the demo server hands the ticket back in the URL fragment
// (scripts/local/device-signin-routes.ts) and the page posts it, as an app would.
$('garmin-sign-in-button').addEventListener('click', () => {
  sessionStorage.setItem(RETURNING_USER, state.userId);
  location.assign(state.garminSignInPath);
});

/** A ticket handed back in the fragment: taken out of the address bar at once, then posted. */
async function connectWithReturnedTicket() {
  const returned = new URLSearchParams(location.hash.slice(1));
  const ticket = returned.get('ticket');
  if (!ticket) return;
  history.replaceState(null, '', location.pathname + location.search);
  sessionStorage.removeItem(RETURNING_USER);
  showError('');
  showMessage('Connecting with the ticket from Garmin\'s sign-in page…');
  await handleConnectAnswer(await api('POST', '/garmin/connection', { ticket, serviceUrl: returned.get('serviceUrl') }));
}

$('mfa-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const button = $('mfa-button');
  setBusy(button, true, 'Verifying…');
  showError('');
  try {
    const code = $('mfa-code').value.trim();
    const answer = await api('POST', `/garmin/connection/attempts/${encodeURIComponent(state.attemptId)}/mfa`, { code });
    if (answer.status === 422 && answer.body && answer.body.error && answer.body.error.code === 'GARMIN_MFA_INVALID') {
      // The attempt still waits for the right code: keep the form.
      showError(errorText(answer));
      $('mfa-code').select();
      return;
    }
    await handleConnectAnswer(answer);
  } catch (error) {
    showError(String(error));
  } finally {
    setBusy(button, false, 'Verify');
  }
});

// A pending attempt is cancelled with DELETE /garmin/connection, which ends a running connect
// attempt and erases its credentials (the bridge's MFA wait stops when the attempt is gone).
// The form is disabled while a connection exists, so there is none for it to erase here.
$('cancel-attempt-button').addEventListener('click', async () => {
  const button = $('cancel-attempt-button');
  clearTimeout(state.attemptTimer);
  setBusy(button, true, 'Cancelling…');
  try {
    const answer = await api('DELETE', '/garmin/connection');
    // 404: the attempt had ended already (expired or failed); either way nothing runs now.
    if (answer.status !== 204 && answer.status !== 404) {
      showError(errorText(answer));
      return;
    }
    resetConnectForms();
    showError('');
    showMessage('Cancelled: the connect attempt ended and its credentials were erased.');
    state.shownSync = undefined;
    await refreshConnection();
  } finally {
    setBusy(button, false, 'Cancel connecting');
  }
});

// ------------------------------------------------------------------------------------
// Connection status (polled)
// ------------------------------------------------------------------------------------

/** What `shownSync` holds while no account is connected (the panels are empty). */
const NOT_CONNECTED = 'not connected';

const when = (iso) => formatMoment(iso, state.timeZone);

/** The connect form is usable only while no account is connected (one connection per user). */
function setConnected(connected) {
  $('connect-fields').disabled = connected;
  $('garmin-sign-in-button').disabled = connected;
  $('connected-note').hidden = !connected;
  $('connect-section').classList.toggle('done', connected);
}

async function refreshConnection() {
  const answer = await api('GET', '/garmin/connection');
  const view = $('connection');
  if (answer.status === 404) {
    state.connection = null;
    view.dataset.status = 'not_connected';
    delete view.dataset.backfillDone;
    $('connection-status').textContent = 'not connected';
    for (const id of ['connection-username', 'connection-backfill', 'connection-last-sync', 'connection-next-sync']) $(id).textContent = '–';
    $('connection-error').hidden = true;
    $('sync-button').disabled = true;
    $('disconnect-button').disabled = true;
    setConnected(false);
    if (state.shownSync !== NOT_CONNECTED) {
      state.shownSync = NOT_CONNECTED;
      showDataError('');
      clearData();
    }
    return;
  }
  if (answer.status !== 200) {
    $('connection-status').textContent = `error: ${errorText(answer)}`;
    return;
  }
  const c = answer.body.connection;
  state.connection = c;
  setConnected(true);
  if (state.shownSync !== c.lastSyncTime) await refreshTimeZone();
  view.dataset.status = c.status;
  view.dataset.backfillDone = String(c.backfill.done);
  $('connection-status').textContent = `${c.status}${c.isActive ? '' : ' (inactive)'}`;
  $('connection-username').textContent = `${c.username}${c.displayName ? ` (${c.displayName})` : ''}${c.passwordStored ? ' · password kept' : ''}`;
  $('connection-backfill').textContent = c.backfill.done
    ? `done${c.backfill.from ? ` (from ${formatDay(c.backfill.from)})` : ''}`
    : `running… ${c.backfill.percent} %`;
  $('connection-last-sync').textContent = when(c.lastSyncTime);
  $('connection-next-sync').textContent = when(c.nextSyncTime);
  $('connection-error').hidden = !c.lastError;
  $('connection-error').textContent = c.lastError ? `Last error: ${c.lastError.message} (${c.lastError.code}, ${when(c.lastError.at)})` : '';
  $('sync-button').disabled = false;
  $('disconnect-button').disabled = false;
  if (state.shownSync !== c.lastSyncTime) {
    const failures = await refreshData();
    showDataError(failures.length ? `Could not load ${failures.join('; ')}. Retrying.` : '');
    // A panel that failed (a 429 over the API's request limit, say) keeps what it showed and is read again at the next poll.
    if (failures.length) return;
    state.shownSync = c.lastSyncTime;
    // For tests and tools: the panels now show what the API held after this sync.
    document.body.dataset.shownSync = c.lastSyncTime ?? '';
  }
}

function showDataError(text) {
  $('data-error').textContent = text;
  $('data-error').hidden = !text;
}

/** The zone the user's days are counted in: Garmin's, from the synced profile. */
async function refreshTimeZone() {
  const answer = await api('GET', '/garmin/profile');
  if (answer.status === 200 && answer.body.profile.timeZone) state.timeZone = answer.body.profile.timeZone;
  $('time-zone').textContent = state.timeZone;
}

async function pollConnection() {
  try {
    await refreshConnection();
  } catch {
    $('connection-status').textContent = 'server unreachable';
  }
  setTimeout(pollConnection, CONNECTION_POLL_MS);
}

$('sync-button').addEventListener('click', async () => {
  const button = $('sync-button');
  setBusy(button, true, 'Syncing…');
  try {
    const answer = await api('POST', '/garmin/sync');
    showMessage(answer.status === 200 || answer.status === 202 ? `Sync: ${answer.body.status}` : '');
    if (answer.status >= 400) showError(errorText(answer));
    await refreshConnection();
  } finally {
    setBusy(button, false, 'Sync now');
  }
});

$('disconnect-button').addEventListener('click', async () => {
  const answer = await api('DELETE', '/garmin/connection');
  if (answer.status !== 204) showError(errorText(answer));
  else showMessage('Disconnected: credentials, tokens and synced data erased.');
  await refreshConnection();
});

// ------------------------------------------------------------------------------------
// Data panels
// ------------------------------------------------------------------------------------

const today = () => wallClock(new Date().toISOString(), state.timeZone).date;

/** The range of a panel ending today: { from, to, dates }. */
function rangeOf(days) {
  const to = today();
  const from = addDays(to, -(days - 1));
  return { from, to, dates: datesFrom(from, to) };
}

const rangeText = ({ from, to }) => `${formatDay(from)} – ${formatDay(to)}`;

/** A read's items; throws (with the API's error) on anything but 200, so the panel keeps what it shows. */
async function getItems(path, range) {
  const answer = await api('GET', `${path}?from=${range.from}&to=${range.to}`);
  if (answer.status !== 200) throw new Error(`${path}: ${errorText(answer)}`);
  return answer.body.items;
}

/** Reloads every panel; resolves to what failed (empty when all loaded). */
async function refreshData() {
  state.activityCursors = [undefined];
  const results = await Promise.allSettled([refreshEnergy(), refreshWeight(), refreshHydration(), refreshSleep(), refreshActivities()]);
  return results.filter((r) => r.status === 'rejected').map((r) => r.reason.message);
}

function clearData() {
  state.drawn = { energy: null, weight: null };
  state.activityCursors = [undefined];
  $('energy-chart').replaceChildren(mutedText('No days synced yet.'));
  $('energy-rows').replaceChildren();
  $('energy-headline').textContent = '';
  $('weight-chart').replaceChildren(mutedText('No weigh-ins yet.'));
  $('weight-rows').replaceChildren();
  $('weight-headline').textContent = '';
  renderBars('hydration', []);
  renderBars('sleep', []);
  renderActivities({ items: [], nextCursor: null });
  for (const id of ['energy-range', 'weight-range', 'hydration-range', 'sleep-range']) $(id).textContent = '';
}

function mutedText(text) {
  const p = document.createElement('p');
  p.className = 'muted';
  p.textContent = text;
  return p;
}

const cell = (text, className) => {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
};

function row(cells, dataset = {}) {
  const tr = document.createElement('tr');
  Object.assign(tr.dataset, dataset);
  tr.append(...cells);
  return tr;
}

/** Width to draw a chart at: its box's content width. */
const chartWidth = (box) => Math.max(260, Math.floor(box.clientWidth));

// Energy ---------------------------------------------------------------------------

async function refreshEnergy() {
  const range = rangeOf(RANGE_DAYS.energy);
  const items = await getItems('/garmin/energy', range);
  const byDate = new Map(items.map((d) => [d.date, d]));
  // A day the API has not got (before the backfill reached it) is "not synced": wellnessData null.
  const days = range.dates.map((date) => byDate.get(date) ?? { date, wellnessData: null, totalKcal: null, restingKcal: null, activeKcal: null, consumedKcal: null });
  $('energy-range').textContent = rangeText(range);
  state.drawn.energy = days;
  drawEnergy();
  $('energy-rows').replaceChildren(
    ...days.map((d) =>
      row(
        d.wellnessData
          ? [cell(formatDay(d.date)), cell(formatNumber(d.restingKcal), 'num'), cell(formatNumber(d.activeKcal), 'num'), cell(formatNumber(d.totalKcal), 'num burned'), cell(formatNumber(d.consumedKcal), 'num eaten')]
          : [cell(formatDay(d.date)), noDataCell(d.wellnessData === false ? 'no wellness data' : 'not synced', 3), cell(formatNumber(d.consumedKcal), 'num eaten')],
        { date: d.date, wellness: d.wellnessData ? 'yes' : d.wellnessData === false ? 'none' : 'missing' },
      ),
    ),
  );
  // The headline is the last whole day: today's figures are only what has passed of it.
  const withData = days.filter((d) => d.wellnessData);
  const latest = withData.filter((d) => d.date < range.to).pop() ?? withData.pop();
  $('energy-headline').textContent = latest
    ? `${formatDay(latest.date)}${latest.date === range.to ? ' (so far)' : ''}: burned ${formatNumber(latest.totalKcal)} kcal = ${formatNumber(latest.restingKcal)} resting + ${formatNumber(latest.activeKcal)} active${typeof latest.consumedKcal === 'number' ? `; eaten ${formatNumber(latest.consumedKcal)} kcal` : ''}`
    : '';
}

function noDataCell(text, span) {
  const td = cell(text, 'no-data');
  td.colSpan = span;
  return td;
}

function drawEnergy() {
  const days = state.drawn.energy;
  if (!days) return;
  const box = $('energy-chart');
  box.replaceChildren(energyChart(days, chartWidth(box)));
}

// Weight ---------------------------------------------------------------------------

async function refreshWeight() {
  const range = rangeOf(RANGE_DAYS.weight);
  const items = (await getItems('/garmin/weight', range)).filter((w) => typeof w.weightKg === 'number');
  $('weight-range').textContent = rangeText(range);
  state.drawn.weight = items.length ? { items, dates: range.dates } : null;
  if (!items.length) {
    $('weight-chart').replaceChildren(mutedText('No weigh-ins in these days.'));
    $('weight-headline').textContent = '';
  } else {
    drawWeight();
    const latest = items[items.length - 1];
    const first = items[0];
    const change = latest.weightKg - first.weightKg;
    $('weight-headline').textContent =
      `${formatNumber(latest.weightKg, 1)} kg on ${formatDay(latest.date)}` +
      (latest.bodyFatPct !== null ? `, body fat ${formatNumber(latest.bodyFatPct, 1)} %` : '') +
      (items.length > 1 ? ` · ${change >= 0 ? '+' : ''}${formatNumber(change, 1)} kg since ${formatDay(first.date)}` : '');
  }
  $('weight-rows').replaceChildren(
    ...items
      .slice()
      .reverse()
      .map((w) =>
        row(
          [cell(formatDay(w.date)), cell(formatNumber(w.weightKg, 1), 'num'), cell(w.bodyFatPct === null ? '–' : `${formatNumber(w.bodyFatPct, 1)} %`, 'num'), cell(w.source ?? '–')],
          { date: w.date },
        ),
      ),
  );
}

function drawWeight() {
  const drawn = state.drawn.weight;
  if (!drawn) return;
  const box = $('weight-chart');
  box.replaceChildren(weightChart(drawn.items, drawn.dates, chartWidth(box)));
}

// Hydration and sleep: one row per day, a bar and its figures in words ---------------

/** `segments`: [{className, share (0..1)}]; the bar is decoration, the text says it all. */
function barRow({ date, segments, text, mark }) {
  const li = document.createElement('li');
  li.dataset.date = date;
  const day = document.createElement('span');
  day.className = 'bar-day';
  day.textContent = formatDay(date);
  const track = document.createElement('span');
  track.className = 'bar-track';
  track.setAttribute('aria-hidden', 'true');
  for (const { className, share } of segments) {
    const part = document.createElement('span');
    part.className = `bar-part ${className}`;
    part.style.width = `${Math.max(0, Math.min(1, share)) * 100}%`;
    track.append(part);
  }
  if (mark !== undefined) {
    const goal = document.createElement('span');
    goal.className = 'bar-mark';
    goal.style.left = `${Math.min(1, mark) * 100}%`;
    track.append(goal);
  }
  const figures = document.createElement('span');
  figures.className = 'bar-text';
  figures.textContent = text;
  li.append(day, track, figures);
  return li;
}

function renderBars(id, rows) {
  $(id).replaceChildren(...rows.map(barRow));
  $(`${id}-empty`).hidden = rows.length > 0;
}

async function refreshHydration() {
  const range = rangeOf(RANGE_DAYS.hydration);
  const items = await getItems('/garmin/hydration', range);
  $('hydration-range').textContent = rangeText(range);
  // The scale: the larger of the week's goals and intakes, so a bar over its goal shows it.
  const scale = Math.max(1, ...items.flatMap((d) => [d.goalMl ?? 0, d.intakeMl ?? 0]));
  renderBars(
    'hydration',
    items
      .slice()
      .reverse()
      .map((d) => ({
        date: d.date,
        segments: [{ className: 'intake', share: (d.intakeMl ?? 0) / scale }],
        mark: d.goalMl ? d.goalMl / scale : undefined,
        text:
          (d.intakeMl === null ? 'nothing logged' : `${formatNumber(d.intakeMl)} ml`) +
          (d.goalMl ? ` of ${formatNumber(d.goalMl)} ml goal` : '') +
          (d.sweatLossMl ? ` · sweat ${formatNumber(d.sweatLossMl)} ml` : ''),
      })),
  );
}

const SLEEP_STAGES = [
  ['deep', 'deepSeconds'],
  ['light', 'lightSeconds'],
  ['rem', 'remSeconds'],
  ['awake', 'awakeSeconds'],
];

async function refreshSleep() {
  const range = rangeOf(RANGE_DAYS.sleep);
  const items = await getItems('/garmin/sleep', range);
  $('sleep-range').textContent = rangeText(range);
  // Bars on one scale: the longest night in bed of the week.
  const inBed = (night) => SLEEP_STAGES.reduce((sum, [, key]) => sum + (night[key] ?? 0), 0);
  const scale = Math.max(1, ...items.map(inBed));
  renderBars(
    'sleep',
    items
      .slice()
      .reverse()
      .map((night) => ({
        date: night.date,
        segments: SLEEP_STAGES.map(([className, key]) => ({ className, share: (night[key] ?? 0) / scale })),
        text:
          `${formatDuration(night.sleepSeconds)} asleep` +
          (night.score !== null ? ` · score ${formatNumber(night.score)}` : '') +
          ` · deep ${formatDuration(night.deepSeconds)}, light ${formatDuration(night.lightSeconds)}, REM ${formatDuration(night.remSeconds)}, awake ${formatDuration(night.awakeSeconds)}`,
      })),
  );
}

// Activities, a page at a time through the API's cursor ------------------------------

const km = (meters) => (typeof meters === 'number' && meters > 0 ? `${formatNumber(meters / 1000, 2)} km` : '–');

function renderActivities({ items, nextCursor }) {
  state.activityNext = nextCursor;
  $('activities').replaceChildren(
    ...items.map((item) => {
      const g = item.garmin || {};
      const name = document.createElement('td');
      const type = document.createElement('span');
      type.className = 'muted small';
      type.textContent = ((g.activityType && g.activityType.typeKey) || '–').replace(/_/g, ' ');
      name.append(g.activityName || '–', document.createElement('br'), type);
      const tr = row(
        [cell(formatLocal(item.startTimeLocal)), name, cell(km(g.distance), 'num'), cell(formatDuration(g.duration), 'num'), cell(formatNumber(g.calories), 'num')],
        { activityId: item.activityId },
      );
      tr.className = 'activity';
      return tr;
    }),
  );
  const page = state.activityCursors.length;
  $('activities-table').hidden = items.length === 0;
  $('activities-empty').hidden = items.length > 0;
  $('activities-page').textContent = items.length ? `page ${page}` : '';
  $('activities-newer').disabled = page === 1;
  $('activities-older').disabled = !nextCursor;
}

async function refreshActivities() {
  const cursor = state.activityCursors[state.activityCursors.length - 1];
  const query = new URLSearchParams({ limit: String(ACTIVITIES_PER_PAGE) });
  if (cursor) query.set('cursor', cursor);
  const answer = await api('GET', `/garmin/activities?${query}`);
  if (answer.status !== 200) throw new Error(`/garmin/activities: ${errorText(answer)}`);
  renderActivities(answer.body);
}

async function turnPage(button, change) {
  const before = state.activityCursors.slice();
  button.disabled = true;
  change();
  try {
    await refreshActivities();
    showDataError('');
  } catch (error) {
    // The page shown stays; so do the cursors that lead to it.
    state.activityCursors = before;
    button.disabled = false;
    showDataError(`Could not load ${error.message}.`);
  }
}

$('activities-older').addEventListener('click', (event) => turnPage(event.currentTarget, () => state.activityCursors.push(state.activityNext)));
$('activities-newer').addEventListener('click', (event) => turnPage(event.currentTarget, () => state.activityCursors.pop()));

// Charts follow the width (a phone turned, a window resized).
let resizeTimer;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    drawEnergy();
    drawWeight();
  }, 100);
});

// ------------------------------------------------------------------------------------

/** The demo's own webhook receiver: the events it verified, newest first. */
async function pollWebhooks() {
  try {
    const response = await fetch('/demo/webhooks', { cache: 'no-store' });
    if (response.ok) {
      const { endpoint, events } = await response.json();
      $('events-endpoint').textContent = `→ ${endpoint}`;
      $('events-empty').hidden = events.length > 0;
      $('events').replaceChildren(
        ...events
          .slice()
          .reverse()
          .map((event) => {
            const item = document.createElement('li');
            item.textContent = `${formatMoment(event.timestamp, state.timeZone)}  ${event.type}  ${event.userId}  ${JSON.stringify(event.data)}`;
            return item;
          }),
      );
    }
  } finally {
    setTimeout(pollWebhooks, CONNECTION_POLL_MS);
  }
}

async function start() {
  try {
    await loadToken();
  } catch (error) {
    $('connection-status').textContent = String(error);
    return;
  }
  document.body.dataset.ready = 'true';
  await connectWithReturnedTicket();
  pollWebhooks();
  await pollConnection();
}

start();
