/** Diagnostic codes of the build module (DL-BUILD-001…005 belong to x-devloop.compile: compile/codes.ts). */
export const BuildCodes = {
  /** A Dockerfile heredoc (RUN/COPY <<EOF) that cannot be built: unterminated, a COPY destination, under ONBUILD… (build/heredoc-check.ts). */
  heredoc: "DL-BUILD-006",
} as const;

/** One line per code, for docs/errors.md (scripts/gen-errors-doc.ts). */
export const buildCodeDescriptions: Readonly<Record<string, string>> = {
  [BuildCodes.heredoc]:
    "error: a Dockerfile heredoc (RUN/COPY <<EOF) that cannot be built: unterminated, a heredoc as COPY's destination, a bad `${…}` in a COPY heredoc, a RUN script over 64 KiB, or a heredoc in an ONBUILD trigger (heredocs themselves build: devloop rewrites them for Docker 20.10's frontend, docs/build.md).",
};
