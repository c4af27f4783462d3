/**
 * Who may use the daemon's API: whoever can read the state directory's token file (0600 in a 0700 directory).
 *
 * - A client that has the token sends it (`Authorization: Bearer <token>`): the CLI.
 * - A browser proves it once, through a one-time login link that only a token holder can mint
 *   (`POST /api/dashboard/login-link` → `http://127.0.0.1:PORT/login?t=<nonce>`, what `devloop up` prints). Opening
 *   the link sets a session cookie (HttpOnly, SameSite=Strict) and redirects to the dashboard. The nonce works
 *   once and for an hour; the token itself never reaches the browser.
 * - The cookie is `v1.<issued ms>.<HMAC-SHA256(token, issued)>`: stateless, so it survives a daemon restart (same
 *   token file) and dies with a new token; it is refused after sessionMaxAgeMs. Its name carries a digest of the
 *   token, so two daemons on 127.0.0.1 (cookies ignore the port) do not overwrite each other's session.
 * - A request authenticated by the cookie must also come from the daemon's own page (Origin / Sec-Fetch-Site,
 *   dashboard-guard.ts), reads included: a page on another port of 127.0.0.1 (any local server opened by that
 *   address) is the same site for the browser, so SameSite alone would let its requests carry the cookie.
 * Every request needs one of the two, except the dashboard's static files (code, no data), GET /login and
 * GET /api/health, which answers `{ok: true}` to anyone (and the daemon's pid, version and start time to an
 * authenticated caller, so the CLI knows it reached its own daemon).
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { ApiCodes } from "../errors/api-codes.js";
import { refuse } from "./api-error.js";
import { foreignReason, refuseForeign } from "./dashboard-guard.js";

export const sessionMaxAgeMs = 7 * 24 * 3_600_000;
export const loginLinkTtlMs = 3_600_000;
const maxOpenLinks = 64;

export type Authenticated = "token" | "cookie";

export interface Auth {
  /** How the request proved it knows the token, or undefined. */
  readonly check: (req: Request) => Authenticated | undefined;
  /** Middleware: refuses an unauthenticated request with 401, except for the public paths, /login and GET /api/health. */
  readonly guard: (req: Request, res: Response, next: NextFunction) => void;
  /** A fresh one-time nonce for the login link. */
  readonly issueLoginNonce: () => string;
  /** GET /login?t=<nonce>[&next=/path]: sets the session cookie and redirects. */
  readonly login: (req: Request, res: Response) => void;
  readonly cookieName: string;
}

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

const mac = (token: string, text: string): string => createHmac("sha256", token).update(text).digest("hex");

/** The cookies of a request, by name (no dependency: the header is `a=1; b=2`). */
export const parseCookies = (header: string | undefined): ReadonlyMap<string, string> => {
  const out = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
};

const unauthorized = (res: Response, message: string): void =>
  refuse(res, ApiCodes.unauthorized, message, "the CLI sends the token from the state directory's token file; a browser signs in through the link devloop up (or devloop daemon status) prints");

/** Only a same-daemon path: "/…", never "//host" or "/\host" (an open redirect). */
const safeNext = (value: unknown): string => (typeof value === "string" && /^\/(?![/\\])/.test(value) ? value : "/");

export interface AuthOptions {
  /**
   * Whether anyone may GET this path: one of the dashboard's static files (code, no data). An allowlist, so a
   * route added later, or reached by another spelling (express matches paths case-insensitively), is guarded
   * all the same.
   */
  readonly isPublic?: (path: string) => boolean;
  readonly now?: () => number;
}

export const createAuth = (token: string, options: AuthOptions = {}): Auth => {
  const now = options.now ?? Date.now;
  const isPublic = options.isPublic ?? ((): boolean => false);
  const cookieName = `devloop_${mac(token, "cookie-name").slice(0, 12)}`;
  const nonces = new Map<string, number>();

  const sessionValue = (issued: number): string => `v1.${issued.toString(36)}.${mac(token, `session.${issued}`)}`;
  const validSession = (value: string | undefined): boolean => {
    const m = /^v1\.([0-9a-z]{1,12})\.([0-9a-f]{64})$/.exec(value ?? "");
    if (!m?.[1] || !m[2]) return false;
    const issued = parseInt(m[1], 36);
    const age = now() - issued;
    return age >= -60_000 && age <= sessionMaxAgeMs && same(m[2], mac(token, `session.${issued}`));
  };

  const check = (req: Request): Authenticated | undefined => {
    const header = req.headers.authorization;
    if (header !== undefined) return header.startsWith("Bearer ") && same(header.slice("Bearer ".length), token) ? "token" : undefined;
    return validSession(parseCookies(req.headers.cookie).get(cookieName)) ? "cookie" : undefined;
  };

  const guard = (req: Request, res: Response, next: NextFunction): void => {
    const read = req.method === "GET" || req.method === "HEAD";
    if ((read && isPublic(req.path)) || (req.method === "GET" && req.path === "/login")) {
      next();
      return;
    }
    const how = check(req);
    if (how === undefined) {
      if (read && req.path === "/api/health") {
        res.set("Cache-Control", "no-store").json({ ok: true });
        return;
      }
      unauthorized(res, req.headers.authorization === undefined ? "sign-in required: no token and no session cookie" : "wrong token");
      return;
    }
    if (how === "cookie") {
      const reason = foreignReason(req);
      if (reason !== undefined) {
        refuseForeign(res, reason);
        return;
      }
    }
    next();
  };

  const issueLoginNonce = (): string => {
    const t = now();
    for (const [n, expires] of nonces) if (expires <= t) nonces.delete(n);
    while (nonces.size >= maxOpenLinks) {
      const oldest = nonces.keys().next().value;
      if (oldest === undefined) break;
      nonces.delete(oldest);
    }
    const nonce = randomBytes(32).toString("base64url");
    nonces.set(nonce, t + loginLinkTtlMs);
    return nonce;
  };

  const login = (req: Request, res: Response): void => {
    res.set("Cache-Control", "no-store");
    const given = typeof req.query["t"] === "string" ? req.query["t"] : "";
    let found: string | undefined;
    for (const n of nonces.keys()) if (same(n, given)) found = n;
    const expires = found === undefined ? undefined : nonces.get(found);
    if (found !== undefined) nonces.delete(found);
    const next = safeNext(req.query["next"]);
    if (expires !== undefined && expires > now()) {
      res.cookie(cookieName, sessionValue(now()), { httpOnly: true, sameSite: "strict", path: "/" });
      res.redirect(303, next);
      return;
    }
    // A browser that is signed in already (the link reloaded from history) just goes on.
    if (validSession(parseCookies(req.headers.cookie).get(cookieName))) {
      res.redirect(303, next);
      return;
    }
    res
      .status(401)
      .type("text/plain")
      .send("devloop: this sign-in link is unknown, used or expired (each link works once, for an hour).\nRun `devloop daemon status` or `devloop up` for a new one.\n");
  };

  return { check, guard, issueLoginNonce, login, cookieName };
};
