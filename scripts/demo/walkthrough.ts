/**
 * The curl walk-through `npm run demo` prints, defined once as data: rendered as shell
 * lines for people (they must work verbatim when pasted into bash or zsh) and run as
 * fetch calls by test/integration/demo (and verbatim through bash by the lifecycle test).
 */

export const DEMO_ACCOUNT = { username: 'athlete@example.com', password: 'correct-horse' } as const;
export const MFA_ACCOUNT = { username: 'mfa@example.com', password: 'correct-horse', code: '123456' } as const;

export interface WalkthroughStep {
  /** What it shows, one line. */
  title: string;
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  /** The status the step answers with on a fresh demo user. */
  expectStatus: number;
  /** Repeat (once a second, at most `times`) until the body contains this text. */
  repeatUntil?: { text: string; times: number };
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10);

export const walkthroughSteps = (now: Date = new Date()): WalkthroughStep[] => [
  {
    title: `connect the simulated Garmin account ${DEMO_ACCOUNT.username}: 201 "connected", and a backfill sync is queued`,
    method: 'POST',
    path: '/garmin/connection',
    body: { username: DEMO_ACCOUNT.username, password: DEMO_ACCOUNT.password },
    expectStatus: 201,
  },
  {
    title: 'watch the connection until the queued backfill is done ("backfill":{...,"done":true}, lastSyncTime set)',
    method: 'GET',
    path: '/garmin/connection',
    expectStatus: 200,
    repeatUntil: { text: '"done":true', times: 60 },
  },
  {
    title: 'the newest activities, each exactly as Garmin returned it (in "garmin")',
    method: 'GET',
    path: '/garmin/activities',
    query: { limit: '3' },
    expectStatus: 200,
  },
  {
    title: 'daily summaries of the last 14 days (garmin.totalSteps, garmin.totalKilocalories, ...)',
    method: 'GET',
    path: '/garmin/daily-summaries',
    query: { from: isoDay(new Date(now.getTime() - 13 * 86_400_000)), to: isoDay(now) },
    expectStatus: 200,
  },
  {
    title: 'the change feed: connection.connected, data.changed (ids and dates), backfill.completed...; poll again with its "nextCursor"',
    method: 'GET',
    path: '/garmin/changes',
    query: { limit: '5' },
    expectStatus: 200,
  },
];

/** Single-quoted for sh; our bodies never contain a quote, but be safe. */
const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

const curlOf = (step: WalkthroughStep): string => {
  const query = step.query ? `?${new URLSearchParams(step.query).toString()}` : '';
  const parts = ['curl -s'];
  if (step.method !== 'GET') parts.push(`-X ${step.method}`);
  parts.push(`"$API${step.path}${query}"`, '-H "Authorization: Bearer $TOKEN"');
  if (step.body !== undefined) parts.push('-H "Content-Type: application/json"', `-d ${shellQuote(JSON.stringify(step.body))}`);
  return parts.join(' ');
};

/** The shell lines (no comments: zsh does not allow them interactively by default). */
export const walkthroughCommands = (apiUrl: string, token: string, steps = walkthroughSteps()): string[] => [
  `export API=${apiUrl} TOKEN=${token}`,
  ...steps.map((step) => {
    const curl = curlOf(step);
    if (!step.repeatUntil) return `${curl}; echo`;
    // Prints the answer each second until it shows what we wait for (bash and zsh alike).
    return `for i in $(seq ${step.repeatUntil.times}); do A=$(${curl}); echo "$A"; case "$A" in *${shellQuote(step.repeatUntil.text)}*) break;; esac; sleep 1; done`;
  }),
];

/** `dev` (the real Garmin): no simulated account to log in with; connect on the page, then read. */
export const renderWalkthrough = (apiUrl: string, token: string, now: Date = new Date(), mode: 'demo' | 'dev' = 'demo'): string => {
  const steps = mode === 'demo' ? walkthroughSteps(now) : walkthroughSteps(now).filter((step) => step.method === 'GET');
  const lines = [
    mode === 'demo'
      ? 'Walk-through (paste the lines below into bash or zsh):'
      : `Connect your own Garmin account on the page (${apiUrl}/), then paste the lines below into bash or zsh:`,
    ...steps.map((step, i) => `  ${i + 1}. ${step.title}`),
    '',
    ...walkthroughCommands(apiUrl, token, steps),
  ];
  return lines.join('\n');
};
