// The HTML pages of /restapi/oauth/authorize: sign-in (number, extension, password), consent for third-party apps,
// and the error page shown when the app or its redirect URI cannot be trusted. Self-contained: no external assets.

const STYLE = `
:root{color-scheme:light dark;--bg:#f5f6f8;--card:#fff;--fg:#1b1f24;--muted:#5b6470;--line:#cfd5dd;--accent:#0a6ed1;--err:#b3261e}
@media (prefers-color-scheme:dark){:root{--bg:#15181c;--card:#1f2329;--fg:#e8eaed;--muted:#a2aab4;--line:#3a414a;--accent:#5aa9f5;--err:#ff8a80}}
*{box-sizing:border-box}body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--fg)}
main{max-width:26rem;margin:8vh auto;padding:2rem;background:var(--card);border:1px solid var(--line);border-radius:12px}
h1{font-size:1.4rem;margin:0 0 .25rem}p{margin:.25rem 0 1rem;color:var(--muted)}
label{display:block;font-weight:600;margin:.9rem 0 .3rem}
input{width:100%;padding:.6rem .7rem;font:inherit;color:inherit;background:transparent;border:1px solid var(--line);border-radius:8px}
input:focus-visible,button:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.row{display:flex;gap:.75rem;margin-top:1.4rem}
button{flex:1;padding:.65rem 1rem;font:inherit;font-weight:600;border-radius:8px;border:1px solid var(--accent);cursor:pointer;background:var(--accent);color:#fff}
button.secondary{background:transparent;color:var(--accent)}
.error{color:var(--err);font-weight:600}ul{padding-left:1.2rem}code{word-break:break-all}
.brand{font-weight:700;letter-spacing:.02em;color:var(--accent);margin-bottom:1rem}
@media (max-width:30rem){main{margin:0;border-radius:0;border-width:0 0 1px}}
`;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)} · ringlog</title>
<style>${STYLE}</style></head><body><main>
<div class="brand" aria-hidden="true">ringlog</div>${body}</main></body></html>`;
}

function hidden(fields: Record<string, string | undefined>): string {
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value!)}">`)
    .join('');
}

export interface LoginPageOptions {
  appName: string;
  /** The authorize parameters, carried through the form. */
  params: Record<string, string | undefined>;
  username?: string;
  extension?: string;
  error?: string;
}

export function loginPage(o: LoginPageOptions): string {
  const error = o.error ? `<p class="error" role="alert" id="login-error">${escapeHtml(o.error)}</p>` : '';
  const described = o.error ? ' aria-describedby="login-error"' : '';
  return page(
    'Sign in',
    `<h1>Sign in</h1><p>to continue to <strong>${escapeHtml(o.appName)}</strong></p>${error}
<form method="post" action="/restapi/oauth/authorize/login">${hidden(o.params)}
<label for="username">Phone number</label>
<input id="username" name="username" type="tel" autocomplete="username" required autofocus${described} value="${escapeHtml(o.username ?? '')}">
<label for="extension">Extension</label>
<input id="extension" name="extension" inputmode="numeric" autocomplete="off" value="${escapeHtml(o.extension ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${described}>
<div class="row"><button type="submit">Sign in</button></div></form>`,
  );
}

export function consentPage(appName: string, userName: string, scope: string[], ticket: string): string {
  const items = scope.map((s) => `<li>${escapeHtml(s)}</li>`).join('');
  return page(
    'Authorize app',
    `<h1>Authorize ${escapeHtml(appName)}</h1>
<p>Signed in as <strong>${escapeHtml(userName)}</strong>. <strong>${escapeHtml(appName)}</strong> asks to:</p>
<ul aria-label="Permissions requested">${items}</ul>
<form method="post" action="/restapi/oauth/authorize/consent">${hidden({ ticket })}
<div class="row"><button type="submit" name="decision" value="deny" class="secondary">Deny</button>
<button type="submit" name="decision" value="allow">Allow</button></div></form>`,
  );
}

export function errorPage(title: string, message: string, code: string): string {
  return page(
    title,
    `<h1>${escapeHtml(title)}</h1><p class="error" role="alert">${escapeHtml(message)}</p>
<p>Error code <code>${escapeHtml(code)}</code>. Ask the application's developer to check its OAuth settings.</p>`,
  );
}
