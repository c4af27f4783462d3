import { describe, expect, it } from "vitest";
import { namedContext, rewriteNamedContexts } from "./named-contexts.js";

describe("named contexts for a CLI without --build-context", () => {
  it("classifies directories, docker-image:// references and the rest", () => {
    expect(namedContext("a", "/p/shared")).toEqual({ name: "a", kind: "dir", dir: "/p/shared" });
    expect(namedContext("b", "docker-image://alpine:3")).toEqual({ name: "b", kind: "image", ref: "alpine:3" });
    expect(namedContext("c", "https://github.com/x/y.git").kind).toBe("unsupported");
  });

  it("rewrites FROM, COPY --from and RUN --mount from=, but not stage names", () => {
    const dockerfile = [
      "FROM base AS build",
      "COPY --from=shared /lib /lib",
      "RUN --mount=type=bind,from=shared,target=/s cat /s/x",
      "FROM --platform=linux/amd64 base",
      "COPY --from=build /out /out",
      "COPY --from=shared . /s",
    ].join("\n");
    const rewritten = rewriteNamedContexts(dockerfile, { base: "img-base:dl-1", shared: "img-shared:dl-2", build: "must-not" });
    expect(rewritten.split("\n")).toEqual([
      "FROM img-base:dl-1 AS build",
      "COPY --from=img-shared:dl-2 /lib /lib",
      "RUN --mount=type=bind,from=img-shared:dl-2,target=/s cat /s/x",
      "FROM --platform=linux/amd64 img-base:dl-1",
      "COPY --from=build /out /out",
      "COPY --from=img-shared:dl-2 . /s",
    ]);
  });

  it("leaves heredoc bodies and comments alone and finds a FROM split over lines (the shared parser's instructions)", () => {
    const dockerfile = ["FROM \\", "  shared AS tools", "# COPY --from=shared x y", "RUN <<EOF", "FROM shared", "cp --from=shared", "EOF", "COPY --from=shared \\", "  a b", ""].join("\n");
    expect(rewriteNamedContexts(dockerfile, { shared: "img:dl-3" }).split("\n")).toEqual(["FROM \\", "  img:dl-3 AS tools", "# COPY --from=shared x y", "RUN <<EOF", "FROM shared", "cp --from=shared", "EOF", "COPY --from=img:dl-3 \\", "  a b", ""]);
  });
});
