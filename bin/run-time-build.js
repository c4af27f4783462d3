// @ts-check
/**
 * The run-time build. devloop runs as JavaScript that esbuild bundles from cli/src and daemon/src, cached OUTSIDE
 * the clone under a fingerprint of the sources (path, size and mtime of every file that can be bundled), so there
 * is no build step to remember between an edit and a run and nothing built is ever committed:
 *
 *   <cache>/<fingerprint>/main.mjs (+ chunks, linked source maps, node_modules → the clone's node_modules)
 *   <cache>/<fingerprint>.failed   (a build that failed, with its message: tsx is used, and it is said once;
 *                                   delete it to retry without changing a source)
 *   <cache>/vendor/<key>/index.mjs (VENDORED packages, one file each, shared by the builds; see below)
 *
 * <cache> is $DEVLOOP_BUILD_CACHE, else $XDG_CACHE_HOME/devloop/build, else ~/.cache/devloop/build.
 * A build goes to a temporary directory renamed into place, so concurrent starts (the CLI and the daemon it
 * spawns, parallel tests) never see half a bundle; a directory in use is never rewritten. Each start touches its
 * build; builds beyond the newest few that no start has used for a day are removed after the next build.
 *
 * Paths that modules compute from `import.meta.url` (templates/, the dashboard's public/, bin/devloop.js) must
 * still point into the clone from the bundle: each bundled file's `import.meta.url` / `.dirname` / `.filename`
 * is replaced by its own source location, so the sources need no change and stay runnable through tsx.
 * Plain JavaScript (bin/ runs before anything is compiled); types for TypeScript callers in run-time-build.d.ts.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, extname, isAbsolute, join, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";

/** Bump when the build's options change in a way the fingerprint cannot see. */
const BUILD_FORMAT = "1";
/** What gets bundled: every file under these directories (relative to the clone) except the skipped ones. */
export const SOURCE_DIRS = ["cli/src", "daemon/src"];
/** Not bundled: unit tests, and the dashboard's static files (served from the clone, not imported). */
const skipped = (/** @type {string} */ rel) => rel.endsWith(".test.ts") || rel === "daemon/src/server/public";
/** Files outside SOURCE_DIRS that change what a build produces. */
const EXTRA_INPUTS = ["package-lock.json", "tsconfig.json", "bin/run-time-build.js"];
export const ENTRY = "main.mjs";
/** Vendor bundles' directory inside the cache. */
const VENDOR = "vendor";
/** Old builds kept besides the newest ones (a running daemon may still load its chunks). */
const KEEP_NEWEST = 5;
const PRUNE_AFTER_MS = 24 * 3600_000;

/** @param {NodeJS.ProcessEnv} [env] */
export const defaultCacheDir = (env = process.env) =>
  env["DEVLOOP_BUILD_CACHE"] || join(env["XDG_CACHE_HOME"] || join(homedir(), ".cache"), "devloop", "build");

/**
 * A cheap fingerprint of everything a build reads: each file's path, size and mtime (no file is read).
 * @param {string} root the clone
 * @returns {string}
 */
export const fingerprint = (root) => {
  const hash = createHash("sha256");
  hash.update(`${BUILD_FORMAT}\0${root}\0${process.platform}\n`);
  const add = (/** @type {string} */ rel) => {
    const s = statSync(join(root, rel), { throwIfNoEntry: false });
    hash.update(s ? `${rel}\0${s.size}\0${s.mtimeMs}\n` : `${rel}\0-\n`);
  };
  const walk = (/** @type {string} */ rel) => {
    if (!existsSync(join(root, rel))) {
      hash.update(`${rel}/\0-\n`);
      return;
    }
    const entries = readdirSync(join(root, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const child = `${rel}/${e.name}`;
      if (skipped(child)) continue;
      if (e.isDirectory()) walk(child);
      else add(child);
    }
  };
  for (const dir of SOURCE_DIRS) walk(dir);
  for (const file of EXTRA_INPUTS) add(file);
  return hash.digest("hex").slice(0, 20);
};

const loaders = /** @type {const} */ ({ ".ts": "ts", ".mts": "ts", ".cts": "ts", ".js": "js", ".mjs": "js", ".cjs": "js" });

/**
 * esbuild plugin: a bundled file's import.meta.url/.filename/.dirname become its source file's, declared on the
 * file's first line (no line shifts for the source map; a mention inside a string stays valid syntax).
 * With `outDir` (the packaged build, scripts/build-dist.ts), the location is computed at run time relative to the
 * output file's own import.meta.url, so the package works wherever it is installed: every output file lies directly
 * in outDir, so the source's path relative to outDir is the same from each chunk. Packages' own files are left alone.
 * @param {{ outDir?: string }} [options]
 * @returns {import("esbuild").Plugin}
 */
export const sourceLocations = ({ outDir } = {}) => ({
  name: "devloop-source-locations",
  setup(build) {
    build.onLoad({ filter: /\.[cm]?[jt]s$/ }, async (args) => {
      if (outDir !== undefined && args.path.split(sep).includes("node_modules")) return undefined;
      const text = await readFile(args.path, "utf8");
      if (!text.includes("import.meta.")) return undefined;
      const located = outDir === undefined ? undefined : `new URL(${JSON.stringify(relative(outDir, args.path).split(sep).join("/"))}, import.meta.url)`;
      const values = located === undefined
        ? { url: JSON.stringify(pathToFileURL(args.path).href), filename: JSON.stringify(args.path), dirname: JSON.stringify(dirname(args.path)) }
        : { url: `${located}.href`, filename: `decodeURIComponent(${located}.pathname)`, dirname: `decodeURIComponent(new URL(".", ${located}).pathname).replace(/\\/$/, "")` };
      const used = new Set();
      const body = text.replace(/\bimport\.meta\.(url|filename|dirname)\b/g, (_, /** @type {"url" | "filename" | "dirname"} */ key) => {
        used.add(key);
        return `__devloopImportMeta_${key}`;
      });
      const decl = [...used].map((key) => `const __devloopImportMeta_${key} = ${values[/** @type {"url" | "filename" | "dirname"} */ (key)]};`).join(" ");
      const shebang = body.startsWith("#!") ? body.indexOf("\n") + 1 : 0;
      const ext = /** @type {keyof typeof loaders} */ (extname(args.path));
      return { contents: `${body.slice(0, shebang)}${decl} ${body.slice(shebang)}`, loader: loaders[ext] ?? "ts" };
    });
  },
});

/**
 * Packages bundled apart from our code, each into one file keyed by package-lock.json and the names our code imports,
 * so that a source edit does not rebuild them. Loading hundreds of small files from node_modules dominated the
 * daemon's start: @kubernetes/client-node (~970 files) took 2.8–5 s at load 12–20 and 0.5 s as one tree-shaken file;
 * express 0.25 s against 0.13 s. Not dockerode: ssh2's emscripten loader reads CommonJS __dirname (a bundle that
 * mentions __dirname or __filename is refused, and the package stays in node_modules).
 */
const VENDORED = ["@kubernetes/client-node", "express"];
/** Code bundled from CommonJS calls require() for Node's built-ins. */
export const REQUIRE_BANNER = 'import { createRequire as __devloopCreateRequire } from "node:module"; const require = __devloopCreateRequire(import.meta.url);';

/** Native addons (ssh2's and cpu-features' .node files) stay where they are, required by absolute path. @type {import("esbuild").Plugin} */
export const nativeAddons = {
  name: "devloop-native-addons",
  setup(build) {
    build.onResolve({ filter: /\.node$/ }, (args) => ({ path: isAbsolute(args.path) ? args.path : join(args.resolveDir, args.path), external: true }));
  },
};

const escapeRegExp = (/** @type {string} */ text) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/**
 * The names a bundle's chunk imports from `pkg`, read from esbuild's normalised output (types are erased by then);
 * "*" for a namespace or dynamic import, "default" for a default import.
 * @param {string} code @param {string} pkg @returns {string[]}
 */
export const importedNames = (code, pkg) => {
  const spec = escapeRegExp(JSON.stringify(pkg));
  const names = [];
  if (new RegExp(`\\bimport\\s*\\(\\s*${spec}\\s*\\)`).test(code)) names.push("*");
  for (const m of code.matchAll(new RegExp(`\\bimport\\s+([^;'"]*?)\\s*from\\s*${spec}`, "g"))) {
    const clause = m[1] ?? "";
    if (clause.includes("*")) names.push("*");
    const braces = /\{([^}]*)\}/.exec(clause);
    if (!/^\s*\{/.test(clause) && !/^\s*\*/.test(clause)) names.push("default");
    for (const part of braces?.[1]?.split(",") ?? []) {
      const name = part.trim().split(/\s+as\s+/)[0]?.trim();
      if (name) names.push(name);
    }
  }
  return names;
};

/** Moves a finished build from `tmp` to `dir`; if another process got there first, theirs is identical. @param {string} tmp @param {string} dir @param {string} marker */
const publish = (tmp, dir, marker) => {
  try {
    renameSync(tmp, dir);
  } catch (error) {
    if (!existsSync(join(dir, marker))) throw error;
    rmSync(tmp, { recursive: true, force: true });
  }
};

const tmpName = (/** @type {string} */ dir) => `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * One file exporting `names` of `pkg` with everything they need (tree-shaken), cached under `vendorDir`.
 * @param {{ esbuild: typeof import("esbuild"), root: string, vendorDir: string, pkg: string, names: string[] }} params
 * @returns {Promise<string>} the file
 */
const vendorBundle = async ({ esbuild, root, vendorDir, pkg, names }) => {
  const lock = statSync(join(root, "package-lock.json"), { throwIfNoEntry: false });
  const manifest = readFileSync(join(root, "node_modules", pkg, "package.json"), "utf8");
  const key = createHash("sha256")
    .update([BUILD_FORMAT, esbuild.version, root, pkg, manifest, lock ? `${lock.size}:${lock.mtimeMs}` : "-", ...names].join("\0"))
    .digest("hex")
    .slice(0, 20);
  const dir = join(vendorDir, key);
  const file = join(dir, "index.mjs");
  if (existsSync(file)) return file;
  const q = JSON.stringify(pkg);
  const named = names.filter((n) => n !== "*");
  const contents = `${names.includes("*") ? `export * from ${q};\n` : ""}${named.length > 0 ? `export { ${named.join(", ")} } from ${q};\n` : ""}`;
  const tmp = tmpName(dir);
  mkdirSync(tmp, { recursive: true });
  try {
    await esbuild.build({
      stdin: { contents, resolveDir: root, loader: "js", sourcefile: `vendor:${pkg}` },
      outfile: join(tmp, "index.mjs"),
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      logLevel: "silent",
      banner: { js: REQUIRE_BANNER },
      plugins: [nativeAddons],
    });
    // CommonJS code that finds files next to itself cannot move into the cache: keep such a package in node_modules.
    if (/\b__(dirname|filename)\b/.test(readFileSync(join(tmp, "index.mjs"), "utf8"))) throw new Error(`${pkg} uses __dirname or __filename`);
    symlinkSync(join(root, "node_modules"), join(tmp, "node_modules"), "junction");
    publish(tmp, dir, "index.mjs");
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  prune(vendorDir, key);
  return file;
};

/**
 * Points the chunks' imports of each VENDORED package at its vendor bundle. A vendor build that fails leaves the
 * import as it is (the package then loads from node_modules: slower, same behaviour).
 * @param {{ esbuild: typeof import("esbuild"), root: string, outDir: string, vendorDir: string }} params
 */
const useVendorBundles = async ({ esbuild, root, outDir, vendorDir }) => {
  const chunks = readdirSync(outDir)
    .filter((f) => f.endsWith(".mjs"))
    .map((f) => ({ path: join(outDir, f), code: readFileSync(join(outDir, f), "utf8") }));
  // Built side by side: esbuild runs concurrent builds in parallel.
  const vendored = await Promise.all(
    VENDORED.map(async (pkg) => {
      const names = [...new Set(chunks.flatMap((c) => importedNames(c.code, pkg)))].sort();
      if (names.length === 0) return undefined;
      try {
        return { pkg, file: await vendorBundle({ esbuild, root, vendorDir, pkg, names }) };
      } catch {
        return undefined;
      }
    }),
  );
  for (const v of vendored) {
    if (!v) continue;
    const spec = new RegExp(`(\\bfrom\\s*|\\bimport\\s*\\(\\s*)${escapeRegExp(JSON.stringify(v.pkg))}`, "g");
    const url = JSON.stringify(pathToFileURL(v.file).href);
    for (const chunk of chunks) {
      const code = chunk.code.replace(spec, (_, lead) => `${lead}${url}`);
      if (code !== chunk.code) writeFileSync(chunk.path, (chunk.code = code));
    }
  }
};

/**
 * What every bundle of the CLI shares: this run-time build and the package's dist/ (scripts/build-dist.ts). The CLI
 * imports its commands lazily, so with splitting `devloop --help` loads the entry chunk, not the Kubernetes client.
 */
export const CLI_BUNDLE_OPTIONS = {
  entryPoints: { main: "cli/src/main.ts" },
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: true,
  platform: "node",
  format: "esm",
  target: "node20",
};

/**
 * Bundles cli/src/main.ts of `root` into `outDir` (which must not exist yet; built aside, then renamed in).
 * Vendor bundles go to `vendorDir` (default: "vendor" beside outDir).
 * @param {{ root: string, outDir: string, vendorDir?: string }} params
 * @returns {Promise<{ inputs: string[] }>} the source files bundled, relative to root
 */
export const buildBundle = async ({ root, outDir, vendorDir = join(dirname(outDir), VENDOR) }) => {
  const esbuild = await import("esbuild");
  const tmp = tmpName(outDir);
  mkdirSync(tmp, { recursive: true });
  try {
    const result = await esbuild.build({
      absWorkingDir: root,
      ...CLI_BUNDLE_OPTIONS,
      outdir: tmp,
      packages: "external",
      sourcemap: "linked",
      metafile: true,
      logLevel: "silent",
      plugins: [sourceLocations()],
    });
    await useVendorBundles({ esbuild, root, outDir: tmp, vendorDir });
    // Other bare imports (packages are external) resolve from the bundle's directory: give it the clone's node_modules.
    symlinkSync(join(root, "node_modules"), join(tmp, "node_modules"), "junction");
    const inputs = Object.keys(result.metafile.inputs);
    writeFileSync(join(tmp, "inputs.json"), `${JSON.stringify({ root, inputs }, null, 1)}\n`);
    publish(tmp, outDir, ENTRY);
    return { inputs };
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  } finally {
    // esbuild's service process would otherwise live as long as this one: ~57 MB more RSS for a daemon that built.
    await esbuild.stop();
  }
};

/** Removes entries of `dir` other than `keep` that are both old and not among the newest few. @param {string} dir @param {string} keep */
const prune = (dir, keep) => {
  const now = Date.now();
  const builds = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.name !== keep && e.name !== VENDOR && !e.name.includes(".tmp-"))
    .map((e) => ({ path: join(dir, e.name), mtime: statSync(join(dir, e.name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const b of builds.slice(KEEP_NEWEST)) if (now - b.mtime > PRUNE_AFTER_MS) rmSync(b.path, { recursive: true, force: true });
};

/** The first lines of a build error, without esbuild's noise. @param {unknown} error */
const describe = (error) => (error instanceof Error ? error.message : String(error)).split("\n").slice(0, 3).join(" ").trim();

/**
 * The bundle for the clone's current sources: found in the cache, or built now. A failed build is remembered
 * per fingerprint, so it is attempted (and reported) once, not on every start.
 * @param {{ root: string, cacheDir?: string }} params
 * @returns {Promise<{ entry: string, fingerprint: string, built: boolean } | { error: string, fingerprint: string, reported: boolean }>}
 */
export const resolveBundle = async ({ root, cacheDir = defaultCacheDir() }) => {
  const fp = fingerprint(root);
  const outDir = join(cacheDir, fp);
  const entry = join(outDir, ENTRY);
  if (existsSync(entry)) {
    try {
      const now = new Date();
      utimesSync(outDir, now, now); // in use: kept by prune
    } catch {
      // A read-only cache still runs.
    }
    return { entry, fingerprint: fp, built: false };
  }
  const failed = join(cacheDir, `${fp}.failed`);
  if (existsSync(failed)) return { error: readFileSync(failed, "utf8").trim(), fingerprint: fp, reported: true };
  try {
    await buildBundle({ root, outDir });
  } catch (error) {
    const message = describe(error);
    try {
      mkdirSync(cacheDir, { recursive: true });
      writeFileSync(failed, `${message}\n`);
    } catch {
      // An unwritable cache: the build is retried (and reported) on the next start.
    }
    return { error: message, fingerprint: fp, reported: false };
  }
  try {
    prune(cacheDir, fp);
  } catch {
    // Pruning is housekeeping only.
  }
  return { entry, fingerprint: fp, built: true };
};
