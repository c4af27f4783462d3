import { describe, expect, it } from "vitest";
import { escapeKubeExpansion } from "./escape.js";
import { parseTmpfs } from "./pod-volumes.js";
import { probeCommand } from "./probe.js";
import { formatBytes, formatCpu, toSeconds } from "./quantities.js";
import { parseUser } from "./security-context.js";

describe("quantities", () => {
  it("formats cpu and memory", () => {
    expect(formatCpu(0.5)).toBe("500m");
    expect(formatCpu(1)).toBe("1");
    expect(formatCpu(0.0001)).toBe("1m");
    expect(formatBytes(64 * 1024 * 1024)).toBe("64Mi");
    expect(formatBytes(1024 ** 3)).toBe("1Gi");
    expect(formatBytes(1500)).toBe("1500");
    expect(toSeconds(1500)).toBe(2);
    expect(toSeconds(0)).toBe(1);
    expect(toSeconds(0, 0)).toBe(0);
  });
});

describe("small parsers", () => {
  it("parses tmpfs entries", () => {
    expect(parseTmpfs("/run")).toEqual({ target: "/run" });
    expect(parseTmpfs("/run:size=64m,mode=1777")).toEqual({ target: "/run", size: 64 * 1024 * 1024 });
  });
  it("parses numeric users only", () => {
    expect(parseUser("1000")).toEqual({ uid: 1000 });
    expect(parseUser("1000:50")).toEqual({ uid: 1000, gid: 50 });
    expect(parseUser("node")).toBeUndefined();
    expect(parseUser("node:node")).toBeUndefined();
  });
  it("turns healthcheck tests into probe commands", () => {
    expect(probeCommand(["CMD", "redis-cli", "ping"])).toEqual(["redis-cli", "ping"]);
    expect(probeCommand(["CMD-SHELL", "curl -f localhost || exit 1"])).toEqual(["/bin/sh", "-c", "curl -f localhost || exit 1"]);
    expect(probeCommand(["NONE"])).toBeUndefined();
  });
  it("escapes Kubernetes $(VAR) expansion and $$", () => {
    expect(escapeKubeExpansion("echo $(date) $$ $HOME")).toBe("echo $$(date) $$$ $HOME");
  });
});
