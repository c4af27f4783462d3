/**
 * For tests: a PATH with busybox's applets first (sh, head, dd, tar, mv, … as symlinks to busybox, made from
 * `busybox --list`), so the container commands run with the tools of an alpine or busybox image. undefined when
 * busybox is not installed (scripts/install-test-deps installs busybox-static).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { accessSync, chmodSync, constants, mkdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** busybox on PATH, resolved to the binary itself: PATH may already hold a dir of busybox links (linking to a link loops). */
const findBusybox = (): string | undefined => {
  for (const dir of (process.env["PATH"] ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    try {
      const candidate = path.join(dir, "busybox");
      accessSync(candidate, constants.X_OK);
      return realpathSync(candidate);
    } catch {
      // not here
    }
  }
  return undefined;
};

export interface BusyboxPathOptions {
  /** Only these applets (default: all). Busybox's sh runs its own applets whatever PATH says, so a test that swaps
   *  one out must leave sh out and run the system's. */
  readonly applets?: readonly string[];
  /** Replace applets with /bin/sh scripts (e.g. a dd without iflag, as a busybox may be built). */
  readonly scripts?: Readonly<Record<string, string>>;
}

export const busyboxPath = ({ applets, scripts = {} }: BusyboxPathOptions = {}): string | undefined => {
  const busybox = findBusybox();
  if (busybox === undefined) return undefined;
  // One directory per busybox and options, named by their hash and reused by later calls and runs (a new one per
  // call left hundreds in /tmp: the test workers are ended without an exit hook running).
  const key = createHash("sha256").update(JSON.stringify([busybox, applets ?? null, scripts])).digest("hex").slice(0, 16);
  const dir = path.join(tmpdir(), `devloop-busybox-${key}`);
  mkdirSync(dir, { recursive: true });
  for (const applet of execFileSync(busybox, ["--list"], { encoding: "utf8" }).split("\n")) {
    if (applet === "" || applet.includes("/") || applet in scripts || (applets !== undefined && !applets.includes(applet))) continue;
    try {
      symlinkSync(busybox, path.join(dir, applet));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  for (const [name, body] of Object.entries(scripts)) {
    writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(path.join(dir, name), 0o755);
  }
  // With a chosen few applets the rest comes from the system (/usr/bin, /bin: its sh), not from a PATH that may
  // itself start with busybox's links.
  return `${dir}${path.delimiter}${applets !== undefined ? "/usr/bin:/bin" : (process.env["PATH"] ?? "")}`;
};

/** Whether `head -c` on this PATH is exact on a pipe (GNU head) — which reader the agent will pick. */
export const headIsExact = (env: NodeJS.ProcessEnv = process.env): boolean =>
  execFileSync("sh", ["-c", "printf abcdefghij | { head -c 6 >/dev/null; cat; }"], { encoding: "utf8", env }) === "ghij";

/** Whether tar on this PATH takes exactly an archive off a pipe with `-b 1` and with `-b 20` (GNU tar): the agent then runs tar alone. */
export const tarIsExact = (env: NodeJS.ProcessEnv = process.env): boolean =>
  execFileSync("sh", ["-c", "{ tar -c -b 20 -f - -T /dev/null && tar -c -b 1 -f - -T /dev/null && printf ghij; } 2>/dev/null | { tar -x -b 20 -m -f - -C \"${TMPDIR:-/tmp}\" && tar -x -b 1 -m -f - -C \"${TMPDIR:-/tmp}\" && cat; } 2>/dev/null"], { encoding: "utf8", env }) === "ghij";
