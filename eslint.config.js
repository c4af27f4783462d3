// Typed lint rules: the ones that catch daemon bugs (floating promises, misused promises),
// no console in the daemon (all output goes through the logger), and the layer boundaries
// from docs/architecture.md held by no-restricted-imports (static imports, export-from) and
// no-restricted-syntax (import() with a literal path).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

// The folders of daemon/src, bottom rung first. A folder imports only folders of lower rungs: never one of its own
// rung, never one above (daemon/src/folder-cycles.test.ts checks the result has no cycle). daemon/src/main.ts, the
// composition root, stands above them all. docs/architecture.md names what each folder is. A new folder must be put
// on a rung (folder-cycles.test.ts fails until it is), or no rule would hold it.
export const rungs = [
  ["errors", "clock", "image", "supervisor"],
  ["compose"],
  ["compile", "api"],
  ["translate"],
  ["build", "policy"],
  ["doctor", "sync"],
  ["ports"],
  // The project use case and the engine share a rung, so neither imports the other: the engine reaches loading through
  // ports/project-loader.ts, and what both need (the context guard, the isolation checks) stands below, in policy/.
  ["engine", "project"],
  ["log"],
  ["adapters"],
  ["server"],
];
const allFolders = rungs.flat();
// Pure: no SDK, no process, socket or HTTP; the disk only where a module is handed it or reads devloop's own files.
const pureFolders = ["errors", "clock", "image", "supervisor", "compose", "compile", "api", "translate", "build", "policy", "doctor", "sync"];
const sdks = ["@kubernetes/client-node", "dockerode", "chokidar", "express"];
const sideEffectBuiltins = ["node:child_process", "node:net", "node:http"];

const folderPatterns = (folders) => folders.map((f) => `**/${f}/**`);
// import("…") is not seen by no-restricted-imports: the same folders and modules, matched on a literal path by a
// regular expression ("\x2F" stands for "/", which a selector's regular expression cannot hold).
const regexText = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replaceAll("/", "\\x2F");
const dynamicImportSelector = (folders, modules) => {
  const alternatives = [
    ...(folders.length > 0 ? [`(^|\\x2F)(${folders.join("|")})\\x2F`] : []),
    ...modules.map((m) => (m.startsWith("**/") ? `(^|\\x2F)${regexText(m.slice(3))}$` : `^${regexText(m)}(\\x2F|$)`)),
  ];
  return `ImportExpression[source.value=/${alternatives.join("|")}/]`;
};

// One home for loading: outside compose/ itself, a project is loaded through daemon/src/project/ (load-project.ts, or
// load-compose.ts for the compose model alone), never by calling the compose loader directly.
const composeLoaderOnlyThroughProject = {
  group: ["**/compose/index.js"],
  importNames: ["loadProject"],
  message: "load a project through daemon/src/project/ (load-project.ts; load-compose.ts for the compose model alone), not the compose loader directly: one home for loading",
};

const boundary = ({ folders = [], modules = [], message, extra = [] }) => ({
  "no-restricted-imports": ["error", { patterns: [{ group: [...folderPatterns(folders), ...modules], message }, ...extra] }],
  "no-restricted-syntax": ["error", { selector: dynamicImportSelector(folders, modules), message }],
});

const folderBoundaries = rungs.flatMap((rung, level) =>
  rung.map((folder) => {
    const lower = rungs.slice(0, level).flat();
    const pure = pureFolders.includes(folder);
    const modules = folder === "adapters" ? [] : folder === "server" ? sdks.filter((m) => m !== "express") : sdks;
    return {
      files: [`daemon/src/${folder}/**/*.ts`],
      ignores: ["**/*.test.ts"],
      rules: boundary({
        folders: allFolders.filter((f) => f !== folder && !lower.includes(f)),
        extra: ["engine", "server"].includes(folder) ? [composeLoaderOnlyThroughProject] : [],
        modules: [...modules, ...(pure ? sideEffectBuiltins : []), "**/main.js"],
        message: `${folder}/ may import ${lower.length > 0 ? `${lower.map((f) => `${f}/`).join(", ")}` : "no other folder of daemon/src"}${pure ? ", and no SDK, process, socket or HTTP module (a pure layer)" : modules.length > 0 ? `, and no SDK (${modules.join(", ")}: adapters/ only)` : ""} — the layers in eslint.config.js and docs/architecture.md`,
      }),
    };
  }),
);

export default tseslint.config(
  // example/ is the sample user app (plain JS, not part of the TS project); bin/ is the plain-JS launcher and run-time bundler (type-checked with checkJs, tested by scripts/run-time-build.test.ts).
  { ignores: ["node_modules/**", "dist/**", "fixtures/**", "example/**", "bin/**", "daemon/src/server/public/**", "eslint.config.js"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-exports": ["error", { restrictDefaultExports: { direct: true, named: true, defaultFrom: true, namedFrom: true, namespaceFrom: true } }],
    },
  },
  { files: ["daemon/src/**/*.ts"], rules: { "no-console": "error" } },
  // Tool configuration files are loaded by their tools through a default export.
  { files: ["vitest.config.ts"], rules: { "no-restricted-exports": "off" } },
  ...folderBoundaries,
  // The CLI is a client of the daemon: it reaches the daemon's adapters (dockerode, client-node) and the daemon's own
  // main only through its composition root for what it runs itself, cli/src/local-adapters.ts.
  {
    files: ["cli/src/**/*.ts"],
    ignores: ["**/*.test.ts", "cli/src/local-adapters.ts"],
    rules: boundary({
      folders: ["adapters", "server"],
      modules: [...sdks, "**/daemon/src/main.js"],
      extra: [composeLoaderOnlyThroughProject],
      message: "cli/ commands get the daemon's adapters as ports from cli/src/local-adapters.ts, and talk to the daemon over HTTP (client.ts); no SDK, server or adapter import",
    }),
  },
);
