/**
 * Local-only guards: the Host header must name localhost or 127.0.0.1 (no DNS rebinding from a web page),
 * and requests that change anything carry the token from the state directory (Authorization: Bearer).
 */
import { timingSafeEqual } from "node:crypto";
import type { NextFunction, Request, Response } from "express";

const allowedHosts = new Set(["localhost", "127.0.0.1", "[::1]"]);

export const hostOf = (header: string | undefined): string | undefined => {
  if (header === undefined) return undefined;
  if (header.startsWith("[")) return header.slice(0, header.indexOf("]") + 1);
  return header.split(":")[0];
};

export const checkHost = (req: Request, res: Response, next: NextFunction): void => {
  const host = hostOf(req.headers.host);
  if (host === undefined || !allowedHosts.has(host.toLowerCase())) {
    res.status(403).json({ error: { code: "forbidden-host", message: `the devloop daemon only answers to localhost, not ${req.headers.host ?? "(no Host header)"}` } });
    return;
  }
  next();
};

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export const requireToken =
  (token: string) =>
  (req: Request, res: Response, next: NextFunction): void => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") {
      next();
      return;
    }
    const header = req.headers.authorization ?? "";
    const given = header.startsWith("Bearer ") ? header.slice("Bearer ".length) : "";
    if (!same(given, token)) {
      res.status(401).json({ error: { code: "unauthorized", message: "missing or wrong token", hint: "the CLI reads it from the state directory's token file" } });
      return;
    }
    next();
  };
