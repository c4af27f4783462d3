/**
 * Where findings point: compose keys through the project's source map (walking up to the nearest key
 * that has a location, down to "services.NAME"), Dockerfile instructions, files of a build context.
 */
import path from "node:path";
import type { ComposeProject } from "../compose/types.js";
import type { DockerfileInstruction } from "./dockerfile/parse-dockerfile.js";
import type { FindingLocation } from "./finding.js";

export interface Locator {
  /** A compose key path such as "services.web.environment.DB_PASSWORD". */
  compose(keyPath: string): FindingLocation;
  /** An absolute file as a whole. */
  file(absolutePath: string, keyPath?: string): FindingLocation;
}

export interface DockerfileLocator {
  instruction(instruction: DockerfileInstruction, label: string): FindingLocation;
  /** The Dockerfile as a whole (line 1 when it exists as a file). */
  readonly whole: FindingLocation;
}

/** Absolute path → how findings name it. */
export type DisplayPath = (absolutePath: string) => string;

export const relativeTo =
  (base: string): DisplayPath =>
  (absolutePath) => {
    const relative = path.relative(base, absolutePath);
    return relative === "" ? absolutePath : relative.startsWith("..") || path.isAbsolute(relative) ? absolutePath : relative;
  };

const parentKey = (keyPath: string): string | undefined => {
  const bracket = keyPath.endsWith("]") ? keyPath.lastIndexOf("[") : -1;
  const dot = keyPath.lastIndexOf(".");
  const cut = Math.max(bracket, dot);
  return cut > 0 ? keyPath.slice(0, cut) : undefined;
};

export const createLocator = (project: ComposeProject, display: DisplayPath): Locator => ({
  compose: (keyPath) => {
    for (let key: string | undefined = keyPath; key !== undefined; key = parentKey(key)) {
      const found = project.sourceMap[key];
      if (found) return { file: display(found.file), line: found.line, column: found.column, path: keyPath };
    }
    const first = project.composeFiles[0];
    return { file: first === undefined ? "compose.yml" : display(first), line: 0, column: 0, path: keyPath };
  },
  file: (absolutePath, keyPath = "") => ({ file: display(absolutePath), line: 0, column: 0, path: keyPath }),
});

/** For a Dockerfile on disk, or inline (dockerfile_inline: lines counted from the key's line). */
export const createDockerfileLocator = (
  target: { readonly kind: "file"; readonly path: string } | { readonly kind: "inline"; readonly at: FindingLocation },
  display: DisplayPath,
): DockerfileLocator =>
  target.kind === "file"
    ? {
        instruction: (instruction, label) => ({ file: display(target.path), line: instruction.line, column: instruction.column, path: label }),
        whole: { file: display(target.path), line: 1, column: 1, path: "" },
      }
    : {
        instruction: (instruction, label) => ({
          ...target.at,
          line: target.at.line === 0 ? 0 : target.at.line + instruction.line,
          column: target.at.line === 0 ? 0 : instruction.column,
          path: label,
        }),
        whole: target.at,
      };
