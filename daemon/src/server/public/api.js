// The daemon's HTTP API as the page uses it. The page is signed in by a session cookie (HttpOnly, SameSite=Strict)
// that the one-time link `devloop up` prints sets (daemon/src/server/auth.ts): same-origin fetches and the event
// stream carry it by themselves, so the page never sees the token.

/** An API failure; status 401 means the browser is not signed in (or its session expired). */
export class ApiError extends Error {
  /**
   * @param {string} message
   * @param {number} status
   */
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

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
  throw new ApiError(body.error?.hint ? `${message} (${body.error.hint})` : message, res.status);
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
  const res = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) return fail(res);
  return /** @type {Promise<T>} */ (res.json());
};
