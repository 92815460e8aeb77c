/* global document, location, fetch, setTimeout, clearTimeout, URLSearchParams, history, sessionStorage */
// The demo page: one small ES module, no build step, no framework, nothing from a CDN.
// It gets a token for its user from the demo server (GET /demo/token, which exists only
// in `npm run demo` / `npm run dev`), then speaks the same HTTP API an app would.

const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';
const CONNECTION_POLL_MS = 3000;
const ATTEMPT_POLL_MS = 1000;
const CHART_DAYS = 30;

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

function showMfaForm(attemptId) {
  state.attemptId = attemptId;
  $('connect-form').hidden = true;
  $('mfa-form').hidden = false;
  $('mfa-code').value = '';
  $('mfa-code').focus();
  showMessage('Garmin asks for an MFA code.');
}

function resetConnectForms() {
  clearTimeout(state.attemptTimer);
  state.attemptId = null;
  $('mfa-form').hidden = true;
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
      state.attemptId = answer.body.attemptId;
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
  const answer = await api('GET', `/garmin/connection/attempts/${encodeURIComponent(state.attemptId)}`);
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

// ------------------------------------------------------------------------------------
// Connection status (polled)
// ------------------------------------------------------------------------------------

const when = (iso) => (iso ? new Date(iso).toLocaleString() : '–');

async function refreshConnection() {
  const answer = await api('GET', '/garmin/connection');
  const view = $('connection');
  if (answer.status === 404) {
    state.connection = null;
    view.dataset.status = 'not_connected';
    $('connection-status').textContent = 'not connected';
    for (const id of ['connection-username', 'connection-backfill', 'connection-last-sync', 'connection-next-sync']) $(id).textContent = '–';
    $('connection-error').hidden = true;
    $('sync-button').disabled = true;
    $('disconnect-button').disabled = true;
    $('connect-section').classList.remove('done');
    return;
  }
  if (answer.status !== 200) {
    $('connection-status').textContent = `error: ${errorText(answer)}`;
    return;
  }
  const c = answer.body.connection;
  state.connection = c;
  view.dataset.status = c.status;
  view.dataset.backfillDone = String(c.backfill.done);
  $('connection-status').textContent = `${c.status}${c.isActive ? '' : ' (inactive)'}`;
  $('connection-username').textContent = `${c.username}${c.displayName ? ` (${c.displayName})` : ''}${c.passwordStored ? ' · password kept' : ''}`;
  $('connection-backfill').textContent = c.backfill.done ? `done${c.backfill.from ? ` (from ${c.backfill.from})` : ''}` : 'running…';
  $('connection-last-sync').textContent = when(c.lastSyncTime);
  $('connection-next-sync').textContent = when(c.nextSyncTime);
  $('connection-error').hidden = !c.lastError;
  $('connection-error').textContent = c.lastError ? `Last error: ${c.lastError.message} (${c.lastError.code}, ${when(c.lastError.at)})` : '';
  $('sync-button').disabled = false;
  $('disconnect-button').disabled = false;
  $('connect-section').classList.add('done');
  if (state.shownSync !== c.lastSyncTime) {
    state.shownSync = c.lastSyncTime;
    await Promise.all([refreshActivities(), refreshChart()]);
  }
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
  state.shownSync = undefined;
  await refreshConnection();
  renderActivities([]);
  renderChart([], '');
});

// ------------------------------------------------------------------------------------
// Activities
// ------------------------------------------------------------------------------------

const cell = (text, className) => {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
};

const km = (meters) => (typeof meters === 'number' && meters > 0 ? `${(meters / 1000).toFixed(2)} km` : '–');
const duration = (seconds) => {
  if (typeof seconds !== 'number') return '–';
  const m = Math.round(seconds / 60);
  return m >= 60 ? `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min` : `${m} min`;
};

function renderActivities(items) {
  const body = $('activities');
  body.replaceChildren(
    ...items.map((item) => {
      const g = item.garmin || {};
      const row = document.createElement('tr');
      row.className = 'activity';
      row.dataset.activityId = item.activityId;
      row.append(
        cell(item.startTimeLocal),
        cell(g.activityName || '–'),
        cell((g.activityType && g.activityType.typeKey) || '–'),
        cell(km(g.distance), 'num'),
        cell(duration(g.duration), 'num'),
        cell(typeof g.calories === 'number' ? String(Math.round(g.calories)) : '–', 'num'),
      );
      return row;
    }),
  );
  $('activities-table').hidden = items.length === 0;
  $('activities-empty').hidden = items.length > 0;
}

async function refreshActivities() {
  const answer = await api('GET', '/garmin/activities?limit=20');
  if (answer.status === 200) renderActivities(answer.body.items);
}

// ------------------------------------------------------------------------------------
// Chart: daily calories burned and steps, inline SVG
// ------------------------------------------------------------------------------------

const isoDay = (date) => date.toISOString().slice(0, 10);

function el(name, attributes = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

const niceMax = (value) => {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return Math.ceil(value / magnitude) * magnitude;
};

/** One panel: a line with a dot per day that has a value. */
function panel(svg, { days, values, top, height, left, width, label, unit, className }) {
  const max = niceMax(Math.max(...values.filter((v) => typeof v === 'number'), 0));
  const x = (i) => left + (days.length === 1 ? width / 2 : (i * width) / (days.length - 1));
  const y = (v) => top + height - (v / max) * height;
  const group = el('g', { class: `series ${className}`, 'data-series': className });
  group.append(
    el('text', { x: left, y: top - 8, class: 'series-label' }, label),
    el('line', { x1: left, y1: top + height, x2: left + width, y2: top + height, class: 'axis' }),
    el('line', { x1: left, y1: top, x2: left + width, y2: top, class: 'grid' }),
    el('text', { x: left - 6, y: top + 4, class: 'tick', 'text-anchor': 'end' }, max.toLocaleString()),
    el('text', { x: left - 6, y: top + height + 4, class: 'tick', 'text-anchor': 'end' }, '0'),
  );
  let path = '';
  values.forEach((v, i) => {
    if (typeof v !== 'number') return;
    path += `${path ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
  });
  if (path) group.append(el('path', { d: path, class: 'line' }));
  values.forEach((v, i) => {
    if (typeof v !== 'number') return;
    const dot = el('circle', { cx: x(i).toFixed(1), cy: y(v).toFixed(1), r: 3.5, class: 'point', 'data-date': days[i], 'data-value': v });
    dot.append(el('title', {}, `${days[i]}: ${Math.round(v).toLocaleString()} ${unit}`));
    group.append(dot);
  });
  svg.append(group);
}

function renderChart(items, rangeText) {
  const chart = $('chart');
  $('chart-range').textContent = rangeText;
  const withData = items.filter((d) => d.garmin && (typeof d.garmin.totalKilocalories === 'number' || typeof d.garmin.totalSteps === 'number'));
  chart.dataset.points = String(withData.length);
  if (withData.length === 0) {
    const empty = document.createElement('p');
    empty.className = 'muted';
    empty.textContent = 'No daily summaries yet.';
    chart.replaceChildren(empty);
    return;
  }
  const days = withData.map((d) => d.date);
  const W = 760;
  const left = 64;
  const width = W - left - 16;
  const svg = el('svg', { viewBox: `0 0 ${W} 330`, role: 'img', 'aria-label': 'Daily calories burned and steps' });
  panel(svg, {
    days, left, width, top: 28, height: 110, unit: 'kcal', className: 'calories',
    label: 'Calories burned (totalKilocalories)',
    values: withData.map((d) => d.garmin.totalKilocalories),
  });
  panel(svg, {
    days, left, width, top: 190, height: 110, unit: 'steps', className: 'steps',
    label: 'Steps (totalSteps)',
    values: withData.map((d) => d.garmin.totalSteps),
  });
  const first = days[0];
  const last = days[days.length - 1];
  svg.append(
    el('text', { x: left, y: 322, class: 'tick' }, first),
    el('text', { x: left + width, y: 322, class: 'tick', 'text-anchor': 'end' }, last),
  );
  chart.replaceChildren(svg);
}

async function refreshChart() {
  const to = new Date();
  const from = new Date(to.getTime() - (CHART_DAYS - 1) * 86_400_000);
  const answer = await api('GET', `/garmin/daily-summaries?from=${isoDay(from)}&to=${isoDay(to)}`);
  if (answer.status === 200) renderChart(answer.body.items, `(${isoDay(from)} – ${isoDay(to)})`);
}

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
            item.textContent = `${new Date(event.timestamp).toLocaleTimeString()}  ${event.type}  ${event.userId}  ${JSON.stringify(event.data)}`;
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
