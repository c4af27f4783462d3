/**
 * Packs the clone as npm would publish it (`npm pack`, which runs the prepack build into dist/) and installs the
 * tarball globally into a prefix of its own, as a user's `npm install -g devloop-k8s` would: the installed package's
 * `devloop` is <prefix>/bin/devloop. Used by the package's integration test and its start-up bench.
 *
 *   npx tsx scripts/pack-install.ts PREFIX
 *
 * --prefer-offline: the dependencies (dockerode's tree) come from npm's cache when `npm ci` already fetched them.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

export interface InstalledPackage {
  /** The installed `devloop` command. */
  readonly bin: string;
  /** The installed package's directory. */
  readonly dir: string;
  readonly name: string;
  /** The files the tarball holds, as `npm pack --json` lists them. */
  readonly files: readonly string[];
}

/** Runs npm; a failure says the command and the last lines npm printed, not a stack of buffers. */
const runNpm = (args: readonly string[]): string => {
  try {
    return execFileSync(npm, args, { cwd: root, encoding: "utf8", timeout: 300_000, stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message?: string };
    const tail = `${e.stderr ?? ""}${e.stdout ?? ""}`.trim().split("\n").slice(-15).join("\n");
    throw new Error(`npm ${args.join(" ")} failed:\n${tail || (e.message ?? String(error))}`);
  }
};

export const packAndInstall = (prefix: string): InstalledPackage => {
  const { name } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { name: string };
  const packDir = mkdtempSync(join(tmpdir(), "devloop-pack-"));
  try {
    const packed = JSON.parse(runNpm(["pack", "--json", "--pack-destination", packDir])) as { filename: string; files: { path: string }[] }[];
    const tarball = join(packDir, packed[0]?.filename ?? "");
    runNpm(["install", "--global", "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund", tarball]);
    return { bin: join(prefix, "bin", "devloop"), dir: join(prefix, "lib", "node_modules", name), name, files: packed[0]?.files.map((f) => f.path) ?? [] };
  } finally {
    rmSync(packDir, { recursive: true, force: true });
  }
};

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const prefix = process.argv[2];
  if (prefix === undefined) {
    process.stderr.write("usage: npx tsx scripts/pack-install.ts PREFIX\n");
    process.exit(1);
  }
  const installed = packAndInstall(resolve(prefix));
  process.stdout.write(`${installed.name}: ${installed.files.length} files; run ${installed.bin}\n`);
}
