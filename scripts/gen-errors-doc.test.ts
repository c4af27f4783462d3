import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DaemonError } from "../cli/src/client.js";
import { UserError } from "../cli/src/user-error.js";
import { KubeExecError } from "../daemon/src/adapters/kube-exec.js";
import { allCodes } from "../daemon/src/compose/codes.js";
import { IsolationCodes } from "../daemon/src/policy/isolation-check.js";
import type { DevloopError } from "../daemon/src/errors/devloop-error.js";
import { ProjectLoadError } from "../daemon/src/errors/load-error.js";
import { RuntimeCodes, runtimeCodes } from "../daemon/src/errors/runtime-codes.js";
import { DaemonStartError } from "../daemon/src/main.js";
import { ClusterError } from "../daemon/src/ports/cluster.js";
import { SyncError } from "../daemon/src/ports/syncer.js";
import { ListenError } from "../daemon/src/server/listen.js";
import { collectExamples, documentedCodes, ERRORS_DOC_PATH, renderErrorsDoc } from "./gen-errors-doc.js";

const root = path.resolve(import.meta.dirname, "..");

/** Every .ts file under dir that is not a test. */
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".test.ts"))
    .map((e) => path.join(e.parentPath, e.name));

describe("docs/errors.md", () => {
  const examples = collectExamples();

  it("is up to date with the code tables and fixtures (run npm run docs:errors)", () => {
    expect(readFileSync(ERRORS_DOC_PATH, "utf8")).toBe(renderErrorsDoc(examples));
  });

  it("documents every code the daemon and the CLI use, each once", () => {
    const documented = documentedCodes().map((c) => c.code);
    expect(new Set(documented).size).toBe(documented.length);
    const used = new Map<string, string>();
    for (const file of [...sources(path.join(root, "daemon/src")), ...sources(path.join(root, "cli/src"))]) {
      for (const m of readFileSync(file, "utf8").matchAll(/\bDL-[A-Z]+-\d{3}\b/g)) used.set(m[0], path.relative(root, file));
    }
    expect(used.size).toBeGreaterThan(100);
    expect([...used].filter(([code]) => !documented.includes(code)).map(([code, file]) => `${code} (${file})`)).toEqual([]);
  });

  it("shows a rendered example for every compose and isolation code", () => {
    const codes = [...allCodes.map((c) => c.code), ...Object.values(IsolationCodes)];
    expect(codes.filter((c) => !examples.has(c))).toEqual([]);
    for (const code of Object.values(IsolationCodes)) expect(examples.get(code)?.rendered).toContain(`warning ${code}`);
  });

  it("lists the code each error class carries", () => {
    const cases: readonly [DevloopError, string][] = [
      [new ClusterError("cannot reach the cluster", true, 503), RuntimeCodes.cluster.code],
      [new SyncError("pod gone", true), RuntimeCodes.sync.code],
      [new KubeExecError("no answer", true), RuntimeCodes.exec.code],
      [new UserError("no such service"), RuntimeCodes.user.code],
      [new DaemonError("cannot reach the daemon"), RuntimeCodes.daemon.code],
      [new DaemonStartError("a devloop daemon is already running"), RuntimeCodes.daemonStart.code],
      [new ListenError("the port is in use"), RuntimeCodes.listen.code],
      [new ProjectLoadError("loading the project failed: EACCES"), RuntimeCodes.load.code],
    ];
    const listed = runtimeCodes.map((c) => c.code);
    expect(cases.map(([, code]) => code).filter((code) => !listed.includes(code))).toEqual([]);
    for (const [error, code] of cases) {
      expect(error.toJSON()).toMatchObject({ name: error.name, code, severity: "error", message: error.message });
      expect(error.toJSON()).not.toHaveProperty("stack");
    }
    const cluster = new ClusterError("forbidden", false, 403);
    expect([cluster.name, cluster.transient, cluster.status]).toEqual(["ClusterError", false, 403]);
  });
});
