/**
 * The packaged build (`npm pack` / `npm publish` run it as prepack): cli/src/main.ts and everything it imports,
 * bundled by esbuild into dist/ as plain ES modules, so an installed package runs JavaScript and compiles nothing at
 * run time (the clone keeps bin/run-time-build.js, which rebuilds on an edit). bin/devloop.js runs dist/main.mjs when
 * the package has no cli/src (installed), the run-time build otherwise (a clone, even with a dist/ left by a pack).
 *
 * The npm packages are bundled too, tree-shaken, except EXTERNAL ones (installed as the package's dependencies):
 * loading @kubernetes/client-node's ~970 files from node_modules dominated the daemon's start (bin/run-time-build.js
 * vendors it for the same reason). Files our sources find through import.meta.url (templates/, the dashboard's
 * daemon/src/server/public/, bin/devloop.js for spawning the daemon) are resolved relative to dist/ at run time and
 * ship beside it (package.json "files").
 *
 *   npx tsx scripts/build-dist.ts [outDir]     (default dist/ in the clone)
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { CLI_BUNDLE_OPTIONS, nativeAddons, REQUIRE_BANNER, sourceLocations } from "../bin/run-time-build.js";

const root = fileURLToPath(new URL("../", import.meta.url));

/**
 * Left in node_modules: dockerode, because ssh2 (through docker-modem) loads its emscripten and native parts by
 * CommonJS __dirname, which a bundle moved into dist/ would break. Must match package.json "dependencies".
 */
export const EXTERNAL = ["dockerode"];

export const buildDist = async (outDir: string): Promise<{ files: string[]; bytes: number }> => {
  rmSync(outDir, { recursive: true, force: true });
  await esbuild.build({
    absWorkingDir: root,
    ...CLI_BUNDLE_OPTIONS,
    outdir: outDir,
    external: EXTERNAL,
    banner: { js: REQUIRE_BANNER },
    legalComments: "linked",
    logLevel: "warning",
    plugins: [sourceLocations({ outDir: resolve(outDir) }), nativeAddons],
  });
  const files = readdirSync(outDir).sort();
  let bytes = 0;
  for (const f of files.filter((name) => name.endsWith(".mjs"))) {
    const code = readFileSync(join(outDir, f), "utf8");
    bytes += code.length;
    // CommonJS code that finds files next to itself would look in dist/: such a package must stay EXTERNAL.
    const lines = code.split("\n").filter((line) => !/^\s*(\*|\/\/)/.test(line)).join("\n"); // not in comments
    if (/\b__(dirname|filename)\b/.test(lines)) throw new Error(`dist/${f} mentions __dirname or __filename: a bundled package finds files next to itself; add it to EXTERNAL in scripts/build-dist.ts`);
  }
  return { files, bytes };
};

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = resolve(process.argv[2] ?? join(root, "dist"));
  const started = Date.now();
  const { files, bytes } = await buildDist(outDir);
  process.stderr.write(`dist: ${files.length} files, ${(bytes / 1e6).toFixed(1)} MB of JavaScript in ${outDir} (${Date.now() - started} ms)\n`);
}
