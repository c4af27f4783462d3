/**
 * Browser-facing guards for the dashboard, on top of guard.ts (Host check + token):
 *
 * - Mutations must come from the daemon's own origin: a request carrying an Origin header must name exactly
 *   http://<the Host it was sent to>, and a browser's Sec-Fetch-Site must be "same-origin" (or "none": typed in
 *   the address bar). The CLI sends neither header, so it is unaffected; it still needs the token.
 * - The token reaches the page through GET /api/dashboard/session, not through the HTML. Why an endpoint: a
 *   foreign site cannot read it — a cross-origin fetch gets no Access-Control-Allow-Origin header, so the browser
 *   hides the body; a DNS-rebinding page reaches us with its own name in Host and is refused by checkHost; and
 *   Sec-Fetch-Site/Origin naming another site is refused here before any byte of the token is written. The
 *   static files stay plain and cacheable, with no templating step.
 */
import type { NextFunction, Request, Response } from "express";

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

const header = (req: Request, name: string): string | undefined => {
  const v = req.headers[name];
  return typeof v === "string" ? v : undefined;
};

/** Why a browser request is not from our own page, or undefined when it is (or when it is not a browser). */
export const foreignReason = (req: Request): string | undefined => {
  const origin = header(req, "origin");
  const host = header(req, "host");
  if (origin !== undefined && origin !== `http://${host ?? ""}`) return `Origin ${origin} is not this daemon's page`;
  const site = header(req, "sec-fetch-site");
  if (site !== undefined && site !== "same-origin" && site !== "none") return `Sec-Fetch-Site ${site}`;
  return undefined;
};

const refuse = (res: Response, reason: string): void => {
  res.status(403).json({ error: { code: "forbidden-origin", message: `refused a cross-site request: ${reason}`, hint: "open the dashboard from the URL devloop up prints" } });
};

/** Refuses mutating requests from another origin (CSRF); reads stay open to any local client. */
export const checkOrigin = (req: Request, res: Response, next: NextFunction): void => {
  if (safeMethods.has(req.method)) {
    next();
    return;
  }
  const reason = foreignReason(req);
  if (reason !== undefined) {
    refuse(res, reason);
    return;
  }
  next();
};

/** GET /api/dashboard/session → {token}: only to the daemon's own page (see the note at the top). */
export const sessionRoute =
  (token: string) =>
  (req: Request, res: Response): void => {
    const reason = foreignReason(req);
    if (reason !== undefined) {
      refuse(res, reason);
      return;
    }
    res.set({ "Cache-Control": "no-store" }).json({ token });
  };
