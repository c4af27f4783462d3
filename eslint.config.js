// Typed lint rules: the ones that catch daemon bugs (floating promises, misused promises),
// no console in the daemon (all output goes through the logger), and the layer boundaries
// from docs/architecture.md held by no-restricted-imports.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const sdkImports = ["@kubernetes/client-node", "dockerode", "chokidar", "express"];
const restrict = (patterns, message) => ({
  "no-restricted-imports": ["error", { patterns: [{ group: patterns, message }] }],
});

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
  {
    files: ["daemon/src/compose/**/*.ts", "daemon/src/image/**/*.ts", "daemon/src/supervisor/**/*.ts", "daemon/src/compile/**/*.ts", "daemon/src/clock/**/*.ts", "daemon/src/translate/**/*.ts", "daemon/src/doctor/**/*.ts", "daemon/src/build/**/*.ts", "daemon/src/sync/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: restrict(
      [...sdkImports, "**/engine/**", "**/adapters/**", "**/server/**", "node:child_process", "node:net", "node:http"],
      "pure modules (compose/, image/, supervisor/, compile/, translate/, doctor/, build/, sync/) import no SDK, engine, adapter or server code",
    ),
  },
  {
    files: ["daemon/src/engine/**/*.ts", "daemon/src/ports/**/*.ts"],
    rules: restrict([...sdkImports, "**/adapters/**"], "the engine talks to the world only through ports/"),
  },
);
