/**
 * DL-BUILD-007: a Dockerfile line BuildKit's parser refuses (a flag BFlags rejects: unknown on the instruction,
 * `--from build` without `=`, repeated, a bad boolean; an exec-form array of non-strings; a repeated or bad parser
 * directive), an error at the word; or one its versions read differently (text after an exec-form array), a warning.
 * `devloop validate` reports it before a build fails or runs something else (image/dockerfile/parse-dockerfile.ts's
 * syntaxProblems). Pure: files are read through `read`.
 */
import type { ComposeProject } from "../compose/types.js";
import type { Diagnostic } from "../errors/diagnostic.js";
import { parseDockerfile } from "../image/dockerfile/parse-dockerfile.js";
import { BuildCodes } from "./codes.js";
import { buildDockerfiles } from "./dockerfile-diagnostics.js";

/** One diagnostic per syntax problem in the Dockerfiles of the project's build: services. */
export const dockerfileSyntaxDiagnostics = (project: ComposeProject, read: (absolute: string) => string | undefined, cwd: string): Diagnostic[] =>
  buildDockerfiles(project, read, cwd).flatMap(({ text, diagnostic }) =>
    parseDockerfile(text).syntaxProblems.map((problem) => diagnostic(problem, BuildCodes.dockerfileSyntax, problem.readsDifferently === true ? "warning" : "error")),
  );
