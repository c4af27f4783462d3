/**
 * Browser-facing guard for the dashboard, on top of guard.ts (Host check) and auth.ts (token or session cookie):
 * mutations must come from the daemon's own origin — a request carrying an Origin header must name exactly
 * http://<the Host it was sent to>, and a browser's Sec-Fetch-Site must be "same-origin" (or "none": typed in
 * the address bar). The CLI sends neither header, so it is unaffected; it still needs the token. auth.ts applies
 * the same test to every request that a session cookie authenticates, reads included.
 */
import type { NextFunction, Request, Response } from "express";
import { ApiCodes } from "../errors/api-codes.js";
import { refuse } from "./api-error.js";

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

/** 403 DL-API-008 (forbidden-origin). */
export const refuseForeign = (res: Response, reason: string): void => refuse(res, ApiCodes.forbiddenOrigin, `refused a cross-site request: ${reason}`, "open the dashboard from the URL devloop up prints");

/** Refuses mutating requests from another origin (CSRF); reads stay open to any local client. */
export const checkOrigin = (req: Request, res: Response, next: NextFunction): void => {
  if (safeMethods.has(req.method)) {
    next();
    return;
  }
  const reason = foreignReason(req);
  if (reason !== undefined) {
    refuseForeign(res, reason);
    return;
  }
  next();
};
