/**
 * Where findings point: compose keys through the project's source map (a deeper key is looked up in the
 * text under the nearest mapped one, else that one is used), Dockerfile instructions, files of a build context.
 */
import path from "node:path";
import type { ComposeProject, SourceLocation } from "../compose/types.js";
import type { DockerfileInstruction } from "../image/dockerfile/parse-dockerfile.js";
import type { FindingLocation } from "./finding.js";

export interface Locator {
  /** A compose key path such as "services.web.environment.DB_PASSWORD". */
  compose(keyPath: string): FindingLocation;
  /** Where the key itself is written (absolute file), or undefined when neither the source map nor the text tells. */
  composeSource(keyPath: string): SourceLocation | undefined;
  /** An absolute file as a whole. */
  file(absolutePath: string, keyPath?: string): FindingLocation;
}

export interface DockerfileLocator {
  instruction(instruction: DockerfileInstruction, label: string): FindingLocation;
  /** A line and column of the Dockerfile (a word inside an instruction). */
  point(line: number, column: number, label: string): FindingLocation;
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

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The source map keeps only some keys (often down to services.NAME.KEY): find deeper ones in the text,
 * one segment at a time inside the block of the previous one ("args:" then "NODE_IMAGE:", or "- NAME=value").
 */
const findNested = (
  lineOf: (file: string, line: number) => string | undefined,
  from: SourceLocation,
  segments: readonly string[],
): SourceLocation | undefined => {
  let { line, column } = from;
  for (const segment of segments) {
    if (segment.includes("[")) return undefined;
    const pattern = new RegExp(`^(\\s*(?:-\\s+)?)["']?${escapeRegExp(segment)}["']?\\s*[:=]`);
    let found = false;
    for (let n = line + 1; ; n++) {
      const text = lineOf(from.file, n);
      if (text === undefined) break;
      if (/^\s*(#.*)?$/.test(text)) continue;
      const indent = text.search(/\S/);
      // Left the block of the previous key (a list may sit at the key's own indentation).
      if (indent < column - 1 || (indent === column - 1 && !/^\s*-\s/.test(text))) break;
      const match = pattern.exec(text);
      if (match) {
        line = n;
        column = (match[1] ?? "").length + 1;
        found = true;
        break;
      }
    }
    if (!found) return undefined;
  }
  return { file: from.file, line, column };
};

/**
 * Source-map files are named as the user named them (relative to the loader's working directory):
 * find the absolute compose file they stand for.
 */
export const resolveSourceFile = (project: ComposeProject, file: string): string => {
  if (path.isAbsolute(file)) return file;
  const tail = path.normalize(file).replace(/^(\.\/)+/, "");
  const matches = project.composeFiles.filter((absolute) => absolute === tail || absolute.endsWith(`${path.sep}${tail}`));
  return matches.length === 1 && matches[0] !== undefined ? matches[0] : path.resolve(project.workingDir, file);
};

export const createLocator = (
  project: ComposeProject,
  display: DisplayPath,
  lineOf: (file: string, line: number) => string | undefined = () => undefined,
): Locator => {
  const nearest = (keyPath: string): { key: string; at: SourceLocation } | undefined => {
    for (let key: string | undefined = keyPath; key !== undefined; key = parentKey(key)) {
      const at = project.sourceMap[key];
      if (at) return { key, at: { ...at, file: resolveSourceFile(project, at.file) } };
    }
    return undefined;
  };
  const composeSource = (keyPath: string): SourceLocation | undefined => {
    const found = nearest(keyPath);
    if (!found) return undefined;
    if (found.key === keyPath) return found.at;
    return findNested(lineOf, found.at, keyPath.slice(found.key.length + 1).split("."));
  };
  return {
    composeSource,
    compose: (keyPath) => {
      const at = composeSource(keyPath) ?? nearest(keyPath)?.at;
      if (at) return { file: display(at.file), line: at.line, column: at.column, path: keyPath };
      const first = project.composeFiles[0];
      return { file: first === undefined ? "compose.yml" : display(first), line: 0, column: 0, path: keyPath };
    },
    file: (absolutePath, keyPath = "") => ({ file: display(absolutePath), line: 0, column: 0, path: keyPath }),
  };
};

/** For a Dockerfile on disk, or inline (dockerfile_inline: lines counted from the key's line). */
export const createDockerfileLocator = (
  target: { readonly kind: "file"; readonly path: string } | { readonly kind: "inline"; readonly at: FindingLocation },
  display: DisplayPath,
): DockerfileLocator => {
  const point =
    target.kind === "file"
      ? (line: number, column: number, label: string): FindingLocation => ({ file: display(target.path), line, column, path: label })
      : (line: number, column: number, label: string): FindingLocation => ({
          ...target.at,
          line: target.at.line === 0 ? 0 : target.at.line + line,
          column: target.at.line === 0 ? 0 : column,
          path: label,
        });
  return {
    instruction: (instruction, label) => point(instruction.line, instruction.column, label),
    point,
    whole: target.kind === "file" ? { file: display(target.path), line: 1, column: 1, path: "" } : target.at,
  };
};
