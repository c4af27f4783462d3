/**
 * The loader's hard limits (issue 15): crafted .env files and YAML end in located diagnostics, never in an
 * out-of-memory error, "Invalid string length" or "Maximum call stack size exceeded".
 */
import { describe, expect, it } from "vitest";
import { parseDotenv } from "./dotenv.js";
import { loadProject } from "./index.js";
import { createMemoryFileSystem } from "./memory-file-system.js";
import { findTooDeep, maxInputLength, maxNestingDepth } from "./nesting.js";
import { createExpansionBudget, expansionLimits, substitute } from "./template.js";
import type { LoadOptions, LoadResult } from "./types.js";

const options: LoadOptions = { files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p" };
const load = (files: Record<string, string>): LoadResult => loadProject(options, createMemoryFileSystem(files));
const errors = (r: LoadResult) => (r.ok ? [] : r.diagnostics.filter((d) => d.severity === "error"));
const compose = "services:\n  web:\n    image: nginx\n    environment:\n      BIG: ${A40:-x}\n";

describe("interpolation limits", () => {
  it("stops a value at 1 MiB and names the variable", () => {
    const big = "x".repeat(600 * 1024);
    const r = substitute("${BIG}${BIG}", (k) => (k === "BIG" ? big : undefined));
    expect(r.value).toBe("");
    expect(r.problems).toEqual([expect.objectContaining({ kind: "limit", limit: "value", name: "BIG" })]);
    expect(substitute("${BIG}", (k) => (k === "BIG" ? big : undefined)).value).toBe(big);
  });

  it("stops ${A:-${B:-…}} nesting at 32 levels", () => {
    const nest = (n: number): string => (n === 0 ? "x" : `\${U:-${nest(n - 1)}}`);
    expect(substitute(nest(expansionLimits.maxNesting), () => undefined).value).toBe("x");
    expect(substitute(nest(expansionLimits.maxNesting + 1), () => undefined).problems).toEqual([expect.objectContaining({ kind: "limit", limit: "nesting" })]);
    // 100,000 levels: a diagnostic, not a stack overflow.
    expect(substitute(`${"${U:-".repeat(100_000)}x${"}".repeat(100_000)}`, () => undefined).problems[0]).toEqual(expect.objectContaining({ limit: "nesting" }));
  });

  it("shares a 16 MiB total across a load and reports it once", () => {
    const budget = createExpansionBudget({ maxTotalLength: 100 });
    const v = "y".repeat(40);
    const lookup = (): string => v;
    expect(substitute("$A", lookup, { budget }).problems).toEqual([]);
    expect(substitute("$A", lookup, { budget }).problems).toEqual([]);
    expect(substitute("$A", lookup, { budget }).problems).toEqual([expect.objectContaining({ limit: "total", name: "A" })]);
    expect(substitute("$A", lookup, { budget })).toEqual({ value: "", problems: [], used: [] });
    expect(budget.exhausted).toBe(true);
  });

  it("the exponential .env: a located error at the line that crosses 1 MiB", () => {
    const env = ["A0=xxxxxxxxxx", ...Array.from({ length: 40 }, (_, i) => `A${i + 1}=\${A${i}}\${A${i}}`)].join("\n");
    const r = parseDotenv(env, {});
    expect(r.problems).toEqual([expect.objectContaining({ kind: "limit", line: 18, column: 1, variable: "A17", expanding: "A16" })]);
    const loaded = load({ "compose.yml": compose, ".env": env });
    expect(errors(loaded).map((d) => [d.code, d.file, d.line, d.column])).toEqual([["DL-COMPOSE-045", ".env", 18, 1]]);
    expect(errors(loaded)[0]?.message).toContain("A17");
  });

  // How long this and "2,000 undefined dependencies" take is measured by `npm run bench -- limits`, not asserted here.
  it("the chained 100,000-line .env: a located error at the line that crosses 16 MiB, without the heap growing", () => {
    const lines = [`B0=${"x".repeat(64)}`];
    for (let i = 1; i < 100_000; i++) lines.push(`B${i}=\${B${i - 1}}x`);
    const heapBefore = process.memoryUsage().heapUsed;
    const r = load({ "compose.yml": compose, ".env": lines.join("\n") });
    const [d] = errors(r);
    expect(d).toEqual(expect.objectContaining({ code: "DL-COMPOSE-045", file: ".env", column: 1 }));
    // Σ (64 + i) over the lines first passes 16 MiB near line 5,731.
    expect(d?.line).toBeGreaterThan(5000);
    expect(d?.line).toBeLessThan(6500);
    expect(errors(r)).toHaveLength(1);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(512 * 1024 * 1024);
  }, 60_000);

  it("an interpolated compose value over 1 MiB is located at the value, with its key path", () => {
    const r = load({ "compose.yml": "services:\n  web:\n    image: nginx\n    labels:\n      x: ${BIG}${BIG}\n", ".env": `BIG=${"z".repeat(600 * 1024)}\n` });
    expect(errors(r).map((d) => [d.code, d.file, d.line, d.path])).toEqual([["DL-COMPOSE-045", "compose.yml", 5, "services.web.labels.x"]]);
  });

  it("env_file entries share the load's budget", () => {
    const env = ["A0=xxxxxxxxxx", ...Array.from({ length: 30 }, (_, i) => `A${i + 1}=\${A${i}}\${A${i}}`)].join("\n");
    const r = load({ "compose.yml": "services:\n  web:\n    image: nginx\n    env_file: web.env\n", "web.env": env });
    expect(errors(r).map((d) => [d.code, d.file, d.line])).toEqual([["DL-COMPOSE-045", "web.env", 18]]);
  });
});

describe("YAML nesting limit", () => {
  const flow = (n: number): string => `services:\n  web:\n    image: nginx\n    x-deep: ${"[".repeat(n)}${"]".repeat(n)}\n`;

  it("accepts 100 levels and refuses 101, located with the key path", () => {
    // services, web, x-deep's own list: the top-level mapping is level 1.
    expect(load({ "compose.yml": flow(maxNestingDepth - 3) }).ok).toBe(true);
    const [d] = errors(load({ "compose.yml": flow(maxNestingDepth - 2) }));
    expect(d).toEqual(expect.objectContaining({ code: "DL-COMPOSE-046", file: "compose.yml", line: 4 }));
    expect(d?.path.startsWith("services.web.x-deep[0]")).toBe(true);
  });

  it("10,000 levels of flow, 3,000 of block: a located diagnostic, not a stack overflow", () => {
    const block = ["services:", "  web:", "    image: nginx", "    x-deep:", ...Array.from({ length: 3_000 }, (_, i) => `${" ".repeat(i + 5)}k${i}:`)].join("\n");
    for (const text of [flow(10_000), block]) {
      const r = load({ "compose.yml": text });
      expect(errors(r).map((d) => d.code)).toEqual(["DL-COMPOSE-046"]);
      expect(errors(r)[0]?.message).not.toContain("call stack");
    }
    // Line 5 holds level 4 (the top-level mapping, services, web, x-deep's mapping).
    expect(findTooDeep(block)?.line).toBe(5 + (maxNestingDepth + 1 - 4));
  });

  it("aliases that nest each other are caught too", () => {
    const lines = ["x-a0: &a0 [1]", ...Array.from({ length: 150 }, (_, i) => `x-a${i + 1}: &a${i + 1} [*a${i}]`), "services:", "  web:", "    image: nginx"];
    const r = load({ "compose.yml": lines.join("\n") });
    expect(errors(r).map((d) => d.code)).toEqual(["DL-COMPOSE-046"]);
  });
});

describe("file size limit", () => {
  it("refuses compose and env files over 8 MiB before parsing them", () => {
    const padding = `# ${"x".repeat(maxInputLength)}\n`;
    const big = load({ "compose.yml": `${padding}services:\n  web:\n    image: nginx\n` });
    expect(errors(big).map((d) => [d.code, d.file])).toEqual([["DL-COMPOSE-046", "compose.yml"]]);
    expect(errors(big)[0]?.message).toContain("8 MiB");
    const env = load({ "compose.yml": "services:\n  web:\n    image: nginx\n    env_file: web.env\n", ".env": padding, "web.env": padding });
    expect(errors(env).map((d) => [d.code, d.file])).toEqual([["DL-COMPOSE-046", ".env"], ["DL-COMPOSE-046", "web.env"]]);
  });
});

describe("chain limits: generated projects end in diagnostics, not stack overflows", () => {
  const chain = (n: number, line: (i: number) => string): string => `services:\n${Array.from({ length: n }, (_, i) => line(i)).join("")}`;

  it("an extends chain of 5,000 services: each service more than 100 links from the end is located", () => {
    const r = load({ "compose.yml": chain(5000, (i) => `  s${i}:\n    ${i === 4999 ? "image: x" : `extends: s${i + 1}`}\n`) });
    const found = errors(r);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((d) => d.code === "DL-COMPOSE-046" && d.path.endsWith(".extends"))).toBe(true);
    expect(load({ "compose.yml": chain(100, (i) => `  s${i}:\n    ${i === 99 ? "image: x" : `extends: s${i + 1}`}\n`) }).ok).toBe(true);
  });

  it("a depends_on chain of 10,000 services, and a cycle through all of them, also when one service is asked for", () => {
    const line = (n: number, cyclic: boolean) => (i: number) => `  s${i}:\n    image: x\n${!cyclic && i === n - 1 ? "" : `    depends_on: [s${(i + 1) % n}]\n`}`;
    for (const services of [[], ["s0"]]) {
      const r = loadProject({ ...options, services }, createMemoryFileSystem({ "compose.yml": chain(10_000, line(10_000, false)) }));
      expect(errors(r).map((d) => [d.code, d.path])).toEqual([["DL-COMPOSE-046", "services.s8999.depends_on"]]);
    }
    const cyclic = errors(load({ "compose.yml": chain(10_000, line(10_000, true)) }));
    expect(cyclic.map((d) => d.code)).toEqual(["DL-COMPOSE-017"]);
    expect(cyclic[0]?.message.length).toBeLessThan(200);
    expect(load({ "compose.yml": chain(1000, line(1000, false)) }).ok).toBe(true);
  }, 60_000);

  it("2,000 undefined dependencies: one located error each, with short messages", () => {
    const found = errors(load({ "compose.yml": chain(2000, (i) => `  s${i}:\n    image: x\n    depends_on: [t${i}]\n`) }));
    expect(found).toHaveLength(2000);
    expect(new Set(found.map((d) => d.path)).size).toBe(2000);
    expect(Math.max(...found.map((d) => (d.expected ?? "").length))).toBeLessThan(300);
  }, 60_000);
});

