/**
 * Local-only guards: the Host header must name localhost or 127.0.0.1 (no DNS rebinding from a web page), and
 * every response carries headers that keep the page out of frames and its code to this origin. Who may call
 * what is auth.ts.
 */
import type { NextFunction, Request, Response } from "express";
import { ApiCodes } from "../errors/api-codes.js";
import { refuse } from "./api-error.js";

const allowedHosts = new Set(["localhost", "127.0.0.1", "[::1]"]);

export const hostOf = (header: string | undefined): string | undefined => {
  if (header === undefined) return undefined;
  if (header.startsWith("[")) return header.slice(0, header.indexOf("]") + 1);
  return header.split(":")[0];
};

export const checkHost = (req: Request, res: Response, next: NextFunction): void => {
  const host = hostOf(req.headers.host);
  if (host === undefined || !allowedHosts.has(host.toLowerCase())) {
    refuse(res, ApiCodes.forbiddenHost, `the devloop daemon only answers to localhost, not ${req.headers.host ?? "(no Host header)"}`);
    return;
  }
  next();
};

/**
 * The page is plain ES modules and a stylesheet from this origin: nothing inline, nothing from elsewhere, never
 * in a frame. `data:` images only for the empty favicon. Set on every response (JSON included: harmless, and a
 * response opened as a page is covered too).
 */
export const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export const securityHeaders = (_req: Request, res: Response, next: NextFunction): void => {
  res.set({
    "Content-Security-Policy": contentSecurityPolicy,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
  });
  next();
};
