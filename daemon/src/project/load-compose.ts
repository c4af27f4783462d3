/**
 * The project use case's first stage on its own: the compose files loaded (discovered, interpolated, merged,
 * normalised, profiles selected) through the ProjectFiles handed in, nothing translated. For the commands that need
 * only the compose model — `devloop config`, `doctor`, `down` (the project's name) and shell completion (service
 * names) — so every load of a project, theirs and load-project.ts's, starts here.
 */
import { loadProject as loadComposeFiles } from "../compose/index.js";
import type { LoadOptions, LoadResult } from "../compose/types.js";
import { onceEach, type OnceEachFiles, type ProjectFiles } from "./project-files.js";

export interface ComposeLoads {
  /** One load of the compose files; loads through the same ComposeLoads read each file once between them. */
  load(options: LoadOptions): LoadResult;
  /** The files as the loads read them: what translation reads after them goes through the same cache. */
  readonly files: OnceEachFiles;
}

/** Loads over one set of files, each path read once however many loads ask for it (`config --profiles` loads twice). */
export const composeLoads = (files: ProjectFiles): ComposeLoads => {
  const fs = onceEach(files);
  return { load: (options) => loadComposeFiles(options, fs), files: fs };
};

/** One compose load of the project the options name. */
export const loadComposeModel = (files: ProjectFiles, options: LoadOptions): LoadResult => composeLoads(files).load(options);
