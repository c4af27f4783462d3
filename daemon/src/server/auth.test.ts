import type { Request, Response } from "express";
import { describe, expect, it } from "vitest";
import { createAuth, loginLinkTtlMs, parseCookies, sessionMaxAgeMs } from "./auth.js";

const token = "k".repeat(64);

const request = (query: Record<string, string>, headers: Record<string, string> = {}): Request => ({ query, headers, method: "GET", path: "/login" }) as unknown as Request;

/** A response that records what login did. */
const response = () => {
  const seen: { status?: number; cookie?: string; location?: string } = {};
  const res = {
    set: () => res,
    status: (s: number) => ((seen.status = s), res),
    type: () => res,
    send: () => res,
    cookie: (name: string, value: string) => ((seen.cookie = `${name}=${value}`), res),
    redirect: (s: number, location: string) => ((seen.status = s), (seen.location = location), res),
  };
  return { res: res as unknown as Response, seen };
};

describe("auth", () => {
  it("reads cookies from the header", () => {
    expect([...parseCookies("a=1; b = x=y ;c")]).toEqual([["a", "1"], ["b", "x=y"]]);
  });

  it("turns a login nonce into a session once, and the session is checked by its HMAC and age", () => {
    let now = 1_000_000;
    const auth = createAuth(token, { now: () => now });
    const nonce = auth.issueLoginNonce();
    const first = response();
    auth.login(request({ t: nonce, next: "/?project=shop" }), first.res);
    expect(first.seen).toMatchObject({ status: 303, location: "/?project=shop" });
    const cookie = first.seen.cookie ?? "";
    expect(auth.check(request({}, { cookie }))).toBe("cookie");
    const second = response();
    auth.login(request({ t: nonce }), second.res);
    expect(second.seen).toEqual({ status: 401 });
    // Another daemon's token does not accept it.
    expect(createAuth("z".repeat(64), { now: () => now }).check(request({}, { cookie }))).toBeUndefined();
    now += sessionMaxAgeMs + 1;
    expect(auth.check(request({}, { cookie }))).toBeUndefined();
  });

  it("lets a link expire after its hour, and never redirects off the daemon", () => {
    let now = 0;
    const auth = createAuth(token, { now: () => now });
    const late = auth.issueLoginNonce();
    now += loginLinkTtlMs + 1;
    const expired = response();
    auth.login(request({ t: late }), expired.res);
    expect(expired.seen).toEqual({ status: 401 });
    const offsite = response();
    auth.login(request({ t: auth.issueLoginNonce(), next: "//evil.example/" }), offsite.res);
    expect(offsite.seen.location).toBe("/");
  });

  it("takes the bearer token in constant time and refuses a wrong one even with a good cookie", () => {
    const auth = createAuth(token);
    const login = response();
    auth.login(request({ t: auth.issueLoginNonce() }), login.res);
    const cookie = login.seen.cookie ?? "";
    expect(auth.check(request({}, { authorization: `Bearer ${token}` }))).toBe("token");
    expect(auth.check(request({}, { authorization: "Bearer nope", cookie }))).toBeUndefined();
  });
});
