/**
 * Project name, highest precedence first: -p, COMPOSE_PROJECT_NAME, top-level name:, the project directory's
 * base name. As compose-go: a name from name: or the directory is normalised (lowercase, only [a-z0-9_-], leading
 * "_" and "-" dropped); a name set imperatively (-p, COMPOSE_PROJECT_NAME) must already be valid.
 */
import path from "node:path";

const VALID = /^[a-z0-9][a-z0-9_-]*$/;

export const normalizeProjectName = (raw: string): string => raw.toLowerCase().replace(/[^a-z0-9_-]/g, "").replace(/^[^a-z0-9]+/, "");

export const isValidProjectName = (name: string): boolean => VALID.test(name);

export type ProjectNameSource = "-p" | "COMPOSE_PROJECT_NAME" | "name:" | "directory";

export const chooseProjectName = (params: {
  readonly flag?: string;
  readonly envVar?: string;
  readonly topLevel?: string;
  readonly projectDir: string;
}): { name: string; source: ProjectNameSource } => {
  if (params.flag !== undefined && params.flag !== "") return { name: params.flag, source: "-p" };
  if (params.envVar !== undefined && params.envVar !== "") return { name: params.envVar, source: "COMPOSE_PROJECT_NAME" };
  const fromFile = params.topLevel === undefined ? "" : normalizeProjectName(params.topLevel);
  if (fromFile !== "") return { name: fromFile, source: "name:" };
  return { name: normalizeProjectName(path.basename(params.projectDir)), source: "directory" };
};
