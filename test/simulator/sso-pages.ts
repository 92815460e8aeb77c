/**
 * The HTML of Garmin's sign-in pages as a browser sees them: the credential form, the MFA
 * step and the refusals. Garmin's real pages are a script-built form posting JSON; these are
 * plain forms posting to the page's own URL, which a browser, a webview or a test drives the
 * same way (fill the fields, submit, follow the 302 to the service URL with `?ticket=`).
 */
const escapeHtml = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const page = (title: string, body: string): string =>
  `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
  `<body><div id="root"><h1>Garmin Connect simulator</h1>${body}</div></body></html>`;

const errorLine = (error: string | undefined): string => (error ? `<p id="error" role="alert">${escapeHtml(error)}</p>` : '');

export const SIGN_IN_TITLE = 'GARMIN Authentication Application';

/** `action`: the page's own path and query, so the form keeps the clientId and service. */
export const signInForm = (action: string, error?: string): string =>
  page(
    SIGN_IN_TITLE,
    `${errorLine(error)}<form id="login-form" method="post" action="${escapeHtml(action)}">` +
      '<label>Email <input id="email" name="username" type="email" autocomplete="username" required></label>' +
      '<label>Password <input id="password" name="password" type="password" autocomplete="current-password" required></label>' +
      '<button id="login-btn-signin" type="submit">Sign In</button></form>',
  );

export const mfaForm = (action: string, error?: string): string =>
  page(
    `${SIGN_IN_TITLE} - Enter security code`,
    `${errorLine(error)}<p>We sent a security code to your email.</p>` +
      `<form id="mfa-form" method="post" action="${escapeHtml(action)}">` +
      '<label>Security code <input id="mfa-code" name="mfa-code" inputmode="numeric" autocomplete="one-time-code" required></label>' +
      '<button id="mfa-verify" type="submit">Verify</button></form>',
  );

export const messagePage = (title: string, message: string): string => page(title, `<p id="error" role="alert">${escapeHtml(message)}</p>`);
