import { describe, expect, it } from "vitest";
import { dockerfileHealthcheck, effectiveHealthcheck, parseHealthcheckInstruction } from "./image-healthcheck.js";

describe("parseHealthcheckInstruction", () => {
  it("reads shell form, exec form, NONE and the duration options", () => {
    expect(parseHealthcheckInstruction({}, "CMD curl -f http://localhost/ || exit 1")).toEqual({ test: ["CMD-SHELL", "curl -f http://localhost/ || exit 1"], disable: false });
    expect(parseHealthcheckInstruction({ interval: "5s", timeout: "1m30s", "start-period": "500ms", "start-interval": "1s", retries: "4" }, 'CMD ["redis-cli", "ping"]')).toEqual({
      test: ["CMD", "redis-cli", "ping"],
      interval: 5_000,
      timeout: 90_000,
      startPeriod: 500,
      startInterval: 1_000,
      retries: 4,
      disable: false,
    });
    expect(parseHealthcheckInstruction({}, "NONE")).toEqual({ test: ["NONE"], disable: true });
    expect(parseHealthcheckInstruction({}, "none")).toEqual({ test: ["NONE"], disable: true });
  });

  it("ignores what Docker would refuse: no CMD, a bad duration, negative retries", () => {
    expect(parseHealthcheckInstruction({}, "curl -f http://localhost")).toBeUndefined();
    expect(parseHealthcheckInstruction({ interval: "soon", retries: "-1" }, "CMD true")).toEqual({ test: ["CMD-SHELL", "true"], disable: false });
  });
});

describe("dockerfileHealthcheck", () => {
  const dockerfile = [
    "ARG BASE=debian:bookworm-slim",
    "FROM ${BASE} AS base",
    "HEALTHCHECK --interval=10s CMD [\"/bin/check\"]",
    "FROM base AS dev",
    "RUN true",
    "FROM debian:bookworm-slim AS prod",
    "HEALTHCHECK --retries=5 \\",
    "  CMD wget -q -O- http://127.0.0.1:8080/healthz",
    "FROM prod AS quiet",
    "HEALTHCHECK NONE",
  ].join("\n");

  it("takes the final stage's HEALTHCHECK, or the build target's, continuation lines joined", () => {
    expect(dockerfileHealthcheck(dockerfile, {})).toEqual({ test: ["NONE"], disable: true });
    expect(dockerfileHealthcheck(dockerfile, {}, "prod")).toEqual({ test: ["CMD-SHELL", "wget -q -O- http://127.0.0.1:8080/healthz"], retries: 5, disable: false });
  });

  it("inherits it from the stage a target is built FROM", () => {
    expect(dockerfileHealthcheck(dockerfile, {}, "dev")).toEqual({ test: ["CMD", "/bin/check"], interval: 10_000, disable: false });
  });

  it("is undefined without a HEALTHCHECK, without a FROM, or for an unknown target", () => {
    expect(dockerfileHealthcheck("FROM scratch\nCOPY app /app\n", {})).toBeUndefined();
    expect(dockerfileHealthcheck("", {})).toBeUndefined();
    expect(dockerfileHealthcheck(dockerfile, {}, "missing")).toBeUndefined();
  });
});

describe("effectiveHealthcheck", () => {
  const image = { test: ["CMD", "/bin/check"], interval: 10_000, retries: 5, disable: false };

  it("is the image's when compose sets none, and compose's when compose has a test", () => {
    expect(effectiveHealthcheck(undefined, image)).toBe(image);
    const own = { test: ["CMD-SHELL", "true"], disable: false };
    expect(effectiveHealthcheck(own, image)).toBe(own);
  });

  it("keeps the image's test under a compose healthcheck without one, compose's fields winning", () => {
    expect(effectiveHealthcheck({ test: [], interval: 2_000, disable: false }, image)).toEqual({ test: ["CMD", "/bin/check"], interval: 2_000, retries: 5, disable: false });
  });

  it("disable: true turns the image's off", () => {
    expect(effectiveHealthcheck({ test: ["NONE"], disable: true }, image)).toEqual({ test: ["NONE"], disable: true });
  });

  it("a compose healthcheck without test and no image healthcheck stays without a test (no probe)", () => {
    expect(effectiveHealthcheck({ test: [], interval: 2_000, disable: false }, undefined)).toEqual({ test: [], interval: 2_000, disable: false });
  });
});
