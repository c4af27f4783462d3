/**
 * The project the compose schema walk writes each key into (key-walk/*.test.ts): web, the service under test, and
 * db (for depends_on, extends and pod joins), with a network, a secret, a config and two volumes declared, loaded
 * by the real loader from memory with the files the samples name.
 */
import { loadProject } from "../../compose/index.js";
import { createMemoryFileSystem } from "../../compose/memory-file-system.js";
import type { ComposeProject } from "../../compose/types.js";

const walkFiles = (compose: string, override?: string): Record<string, string> => ({
  "/p/compose.yml": compose,
  ...(override === undefined ? {} : { "/p/compose.override.yml": override }),
  "/p/Dockerfile": "FROM scratch\n",
  "/p/s1": "secret\n",
  "/p/c1": "config\n",
  "/p/web.env": "FROM_FILE=1\n",
  "/p/web.labels": "from.file=1\n",
  "/p/src/index.js": "\n",
  "/p/base.yml": "services:\n  base:\n    image: base:1\n",
  "/p/inc/compose.yml": "services:\n  inc:\n    image: inc:1\n",
  "/p/inc.env": "X=1\n",
});

/** The compose file: `web` lines go under services.web (indented for it), `top` lines after the declarations. */
export const walkCompose = (web: readonly string[], top: readonly string[] = []): string =>
  [
    "services:",
    "  web:",
    ...web.map((line) => `    ${line}`),
    "  db:",
    "    image: db:1",
    "networks: { front: {} }",
    "secrets: { s1: { file: ./s1 } }",
    "configs: { c1: { file: ./c1 } }",
    "volumes: { data: {}, data2: {} }",
    ...top,
    "",
  ].join("\n");

/** Loads the file (and an override file), with profile dev active; throws with the diagnostics when it does not load. */
export const loadWalk = (yaml: string, override?: string): ComposeProject => {
  const loaded = loadProject({ files: [], profiles: ["dev"], envFiles: [], services: [], environment: {}, cwd: "/p" }, createMemoryFileSystem(walkFiles(yaml, override)));
  if (!loaded.ok) throw new Error(`does not load:\n${yaml}\n${loaded.diagnostics.map((d) => `${d.code} ${d.path}: ${d.message}`).join("\n")}`);
  return loaded.project;
};

/** The model of one service as data (what the loader carries for it). */
export const modelOf = (project: ComposeProject, service = "web"): string => JSON.stringify(project.services[service]);

/** The project as if built in code: no source map. */
export const withoutSourceMap = (project: ComposeProject): ComposeProject => ({ ...project, sourceMap: {} });

/** The merge check: an override that repeats `override` must leave `describe(project)` as it was. */
export const mergeGap = (yaml: string, override: string, describe: (project: ComposeProject) => string): string | undefined => {
  const once = describe(loadWalk(yaml));
  try {
    const twice = describe(loadWalk(yaml, override));
    return twice === once ? undefined : `repeating it in an override file changes the model: ${twice}`;
  } catch (error) {
    return `an override file that repeats it does not load: ${error instanceof Error ? error.message : String(error)}`;
  }
};
