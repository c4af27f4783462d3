/**
 * For tests: a PATH with busybox's applets first (sh, head, dd, tar, mv, … as symlinks to busybox, made from
 * `busybox --list`), so the container commands run with the tools of an alpine or busybox image. undefined when
 * busybox is not installed (scripts/install-test-deps installs busybox-static).
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const findBusybox = (): string | undefined => {
  try {
    return execFileSync("sh", ["-c", "command -v busybox"], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
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
  const dir = mkdtempSync(path.join(tmpdir(), "devloop-busybox-"));
  for (const applet of execFileSync(busybox, ["--list"], { encoding: "utf8" }).split("\n")) {
    if (applet === "" || applet.includes("/") || applet in scripts || (applets !== undefined && !applets.includes(applet))) continue;
    symlinkSync(busybox, path.join(dir, applet));
  }
  for (const [name, body] of Object.entries(scripts)) {
    writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(path.join(dir, name), 0o755);
  }
  return `${dir}${path.delimiter}${process.env["PATH"] ?? ""}`;
};
