// The daemon's HTTP API as the page uses it. Reads are plain GETs; mutations carry the token fetched from the
// same-origin session endpoint (see daemon/src/server/dashboard-guard.ts for why it is handed over that way).

/** @type {string | undefined} */
let token;

/** @returns {Promise<string>} */
const sessionToken = async () => {
  if (token !== undefined) return token;
  const res = await fetch("/api/dashboard/session", { cache: "no-store" });
  if (!res.ok) throw new Error(`cannot get a session from the daemon (HTTP ${res.status})`);
  token = /** @type {{token: string}} */ (await res.json()).token;
  return token;
};

/** Forget the token (the daemon restarted and may have a new one). */
export const resetSession = () => {
  token = undefined;
};

/**
 * @param {Response} res
 * @returns {Promise<never>}
 */
const fail = async (res) => {
  /** @type {{error?: {message?: string, hint?: string}, diagnostics?: unknown[]}} */
  let body = {};
  try {
    body = await res.json();
  } catch {
    // not JSON
  }
  const message = body.error?.message ?? (body.diagnostics ? `${body.diagnostics.length} diagnostic(s)` : `HTTP ${res.status}`);
  throw new Error(body.error?.hint ? `${message} (${body.error.hint})` : message);
};

/**
 * @template T
 * @param {string} path
 * @returns {Promise<T>}
 */
export const get = async (path) => {
  const res = await fetch(path, { cache: "no-store" });
  if (!res.ok) return fail(res);
  return /** @type {Promise<T>} */ (res.json());
};

/**
 * @template T
 * @param {string} path
 * @param {unknown} body
 * @returns {Promise<T>}
 */
export const post = async (path, body) => {
  const send = async () =>
    fetch(path, { method: "POST", headers: { "Content-Type": "application/json", Authorization: `Bearer ${await sessionToken()}` }, body: JSON.stringify(body) });
  let res = await send();
  if (res.status === 401) {
    resetSession();
    res = await send();
  }
  if (!res.ok) return fail(res);
  return /** @type {Promise<T>} */ (res.json());
};
