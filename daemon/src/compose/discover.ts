/**
 * Which compose files to load and the project directory: -f (repeatable, relative to cwd), else COMPOSE_FILE
 * (split on COMPOSE_PATH_SEPARATOR or ":"), else the first of compose.yaml, compose.yml, docker-compose.yaml,
 * docker-compose.yml found in cwd or a parent, plus its override file. The project directory is
 * --project-directory, else the first file's directory.
 */
import path from "node:path";
import type { Diagnostic } from "../errors/diagnostic.js";
import { makeDiagnostic } from "./report.js";
import type { ComposeFileSystem } from "./types.js";

export const DEFAULT_FILE_NAMES = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"] as const;

const overrideNames = (base: string): readonly string[] => {
  const stem = base.replace(/\.ya?ml$/, "");
  const ext = base.endsWith(".yaml") ? ".yaml" : ".yml";
  const other = ext === ".yaml" ? ".yml" : ".yaml";
  return [`${stem}.override${ext}`, `${stem}.override${other}`];
};

export interface DiscoverParams {
  readonly files: readonly string[];
  readonly cwd: string;
  readonly projectDirectory?: string;
  /** COMPOSE_FILE / COMPOSE_PATH_SEPARATOR as seen by compose (shell, then the working directory's .env). */
  readonly composeFileVar?: string;
  readonly pathSeparator?: string;
}

export interface Discovered {
  /** Absolute paths in load order. */
  readonly files: readonly string[];
  readonly projectDir: string;
  readonly diagnostics: readonly Diagnostic[];
}

export const displayPath = (abs: string, cwd: string): string => {
  const rel = path.relative(cwd, abs);
  return rel === "" ? "." : rel.startsWith("..") && rel.split(path.sep).filter((s) => s === "..").length > 2 ? abs : rel;
};

export const discoverFiles = (params: DiscoverParams, fs: ComposeFileSystem): Discovered => {
  const { cwd } = params;
  const diagnostics: Diagnostic[] = [];
  const explicitDir = params.projectDirectory === undefined ? undefined : path.resolve(cwd, params.projectDirectory);
  let files: string[];
  if (params.files.length > 0) {
    files = params.files.map((f) => path.resolve(cwd, f));
  } else if (params.composeFileVar !== undefined && params.composeFileVar !== "") {
    const sep = params.pathSeparator ?? path.delimiter;
    files = params.composeFileVar
      .split(sep)
      .filter((f) => f !== "")
      .map((f) => path.resolve(explicitDir ?? cwd, f));
  } else {
    files = [];
    let dir = explicitDir ?? cwd;
    for (;;) {
      const present = DEFAULT_FILE_NAMES.filter((name) => fs.exists(path.join(dir, name)));
      const found = present[0];
      if (found !== undefined) {
        if (present.length > 1) {
          diagnostics.push(
            makeDiagnostic("multipleDefaultFiles", { file: displayPath(path.join(dir, found), cwd) }, "", `found ${present.join(" and ")} in ${displayPath(dir, cwd) === "." ? "the current directory" : displayPath(dir, cwd)}; using ${found}`, {
              hint: `remove the others, or choose one with -f`,
            }),
          );
        }
        files.push(path.join(dir, found));
        const override = overrideNames(found).find((name) => fs.exists(path.join(dir, name)));
        if (override !== undefined) files.push(path.join(dir, override));
        break;
      }
      const parent = path.dirname(dir);
      if (parent === dir || explicitDir !== undefined) break;
      dir = parent;
    }
    if (files.length === 0) {
      diagnostics.push(
        makeDiagnostic("noComposeFile", undefined, "", explicitDir === undefined ? "no compose file found in the current directory or its parents" : `no compose file found in ${displayPath(explicitDir, cwd)}`, {
          expected: `one of ${DEFAULT_FILE_NAMES.join(", ")}`,
          hint: "name a file with -f, or create compose.yaml",
        }),
      );
    }
  }
  for (const f of files) {
    if (!fs.exists(f)) {
      diagnostics.push(makeDiagnostic("fileNotFound", undefined, "", `compose file ${displayPath(f, cwd)} does not exist`, { hint: "check the -f / COMPOSE_FILE path" }));
    }
  }
  const first = files[0];
  const projectDir = explicitDir ?? (first === undefined ? cwd : path.dirname(first));
  return { files, projectDir, diagnostics };
};
