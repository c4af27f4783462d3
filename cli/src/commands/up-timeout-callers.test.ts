// `up --timeout` was devloop's bound of the wait until it took Compose's meaning, the shutdown timeout of the pods up
// replaces (every service's stop_grace_period). A test or bench still passing `--timeout 200` to bound its wait would
// give its pods a 200 s grace period — a down that waits minutes for a process that ignores SIGTERM — and wait the
// default 600 s. This finds such callers in the tests, benches and scripts.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const walk = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (e.name === "node_modules" || e.name === "fixtures" ? [] : walk(join(dir, e.name))) : /\.(ts|js|sh)$/.test(e.name) ? [join(dir, e.name)] : []));

describe("callers of up --timeout", () => {
  it("tests, benches and scripts bound up's wait with --wait-timeout, not --timeout", () => {
    const callers = ["daemon/test", "bench", "scripts"].flatMap(walk).flatMap((file) =>
      readFileSync(join(root, file), "utf8")
        .split("\n")
        .flatMap((line, i) => (/["'\s]up["'\s]/.test(line) && /["'\s]--timeout["'\s]/.test(line) ? [`${file}:${i + 1}`] : [])),
    );
    expect(callers).toEqual([]);
  });
});
