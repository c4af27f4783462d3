/**
 * build.additional_contexts on a CLI without `--build-context` (Docker < 23 without buildx, e.g. Debian's 20.10,
 * whose built-in Dockerfile frontend has no named contexts either): each named context becomes an image (a directory
 * is built `FROM scratch` + `COPY . /`, a docker-image:// reference is used as is) and the Dockerfile's references to
 * the name (`FROM name`, `COPY --from=name`, `RUN --mount=…,from=name`) are rewritten to that image, which BuildKit
 * on the Docker engine resolves from the local image store. Stage names win over context names, as in BuildKit. Pure.
 */

import type { DockerfileInstruction } from "../image/dockerfile/parse-dockerfile.js";
import { parseDockerfile } from "../image/dockerfile/parse-dockerfile.js";
import { resolveStages } from "../image/dockerfile/stages.js";

export type NamedContext =
  | { readonly name: string; readonly kind: "dir"; readonly dir: string }
  | { readonly name: string; readonly kind: "image"; readonly ref: string }
  | { readonly name: string; readonly kind: "unsupported"; readonly value: string };

/** Classifies an additional_contexts value (already resolved: a directory is absolute). */
export const namedContext = (name: string, value: string): NamedContext => {
  if (value.startsWith("docker-image://")) return { name, kind: "image", ref: value.slice("docker-image://".length) };
  if (/^[a-z][a-z0-9+.-]*:/i.test(value) || value.startsWith("git@")) return { name, kind: "unsupported", value };
  return { name, kind: "dir", dir: value };
};

/** The Dockerfile that turns a directory into a context image. */
export const CONTEXT_IMAGE_DOCKERFILE = "FROM scratch\nCOPY . /\n";

/** An instruction's own lines (0-based, end excluded): continuation lines yes, heredoc bodies and terminators no. */
const ownLines = (instruction: DockerfileInstruction): { start: number; end: number } => {
  const heredocLines = instruction.heredocs.reduce((sum, h) => sum + h.content.split("\n").length, 0);
  return { start: instruction.line - 1, end: instruction.lastLine - heredocLines };
};

/**
 * Rewrites references to named contexts (name → image reference) in a Dockerfile's text: the image of a FROM, and
 * `--from=` / `,from=` in COPY, ADD and RUN lines (the shared parser's instructions, so neither a heredoc body nor a
 * comment is touched, and a FROM split over lines is found). A name an earlier stage has is that stage's.
 */
export const rewriteNamedContexts = (dockerfile: string, images: Readonly<Record<string, string>>): string => {
  const parsed = parseDockerfile(dockerfile);
  const lines = dockerfile.split("\n");
  const stages = new Set<string>();
  const target = (name: string): string | undefined => (stages.has(name.toLowerCase()) ? undefined : images[name]);
  const graph = resolveStages(parsed, { buildArgs: {} });
  for (const instruction of parsed.instructions) {
    const { start, end } = ownLines(instruction);
    const stage = graph.stages.find((s) => s.from === instruction);
    if (stage !== undefined) {
      const replaced = target(stage.base.raw);
      for (let i = start; replaced !== undefined && i < end; i++) {
        const parts = (lines[i] ?? "").split(/(\s+)/);
        // On the first line, after the FROM keyword itself.
        const after = i === start ? parts.findIndex((part) => part.trim() !== "") : -1;
        const at = parts.findIndex((part, j) => part === stage.base.raw && j > after);
        if (at < 0) continue;
        parts[at] = replaced;
        lines[i] = parts.join("");
        break;
      }
      if (stage.name !== undefined) stages.add(stage.name);
      continue;
    }
    if (!["COPY", "ADD", "RUN"].includes(instruction.keyword)) continue;
    for (let i = start; i < end; i++) {
      lines[i] = (lines[i] ?? "").replace(/((?:--|,)from=)([^\s,]+)/g, (whole, prefix: string, name: string) => {
        const replaced = target(name);
        return replaced === undefined ? whole : `${prefix}${replaced}`;
      });
    }
  }
  return lines.join("\n");
};
