/** Diagnostic codes of the build module (DL-BUILD-001…005 belong to x-devloop.compile: compile/codes.ts). */
export const BuildCodes = {
  /** A Dockerfile heredoc (RUN/COPY <<EOF) that cannot be built: unterminated, a COPY destination, under ONBUILD… (build/heredoc-check.ts). */
  heredoc: "DL-BUILD-006",
  /** A Dockerfile line BuildKit's parser refuses (a bad flag, an exec-form array of non-strings, a bad directive), or reads differently by version (build/dockerfile-syntax-check.ts). */
  dockerfileSyntax: "DL-BUILD-007",
} as const;

/** One line per code, for docs/errors.md (scripts/gen-errors-doc.ts). */
export const buildCodeDescriptions: Readonly<Record<string, string>> = {
  [BuildCodes.heredoc]:
    "error: a Dockerfile heredoc (RUN/COPY <<EOF) that cannot be built: unterminated, a heredoc as COPY's destination, a bad `${…}` in a COPY heredoc, a RUN script over 64 KiB, or a heredoc in an ONBUILD trigger (heredocs themselves build: devloop rewrites them for Docker 20.10's frontend, docs/build.md).",
  [BuildCodes.dockerfileSyntax]:
    "error / warning: a Dockerfile line BuildKit's parser refuses, at the word (error): an unknown instruction or one before the first FROM, FROM other than `image [AS name]` or with a bad stage name, ONBUILD ONBUILD/FROM/MAINTAINER, missing or malformed arguments (COPY with one, `ENV NAME` without a value, `ENV A=1 B`, a blank ARG/ENV name, SHELL not in JSON, HEALTHCHECK other than CMD/NONE), no stage (no instruction, or ARGs and no FROM), a flag the instruction does not take, `--flag value` where BuildKit reads only `--flag=value`, a repeated flag, `--link=` or a boolean other than true/false, an exec-form array holding anything but strings, a repeated parser directive or an escape character other than backtick and backslash; or text after an exec-form array (warning: Docker 20.10's frontend drops it, BuildKit 0.15+ runs the whole line in a shell).",
};
