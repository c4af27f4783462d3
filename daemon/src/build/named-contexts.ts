/**
 * build.additional_contexts on a CLI without `--build-context` (Docker < 23 without buildx, e.g. Debian's 20.10,
 * whose built-in Dockerfile frontend has no named contexts either): each named context becomes an image (a directory
 * is built `FROM scratch` + `COPY . /`, a docker-image:// reference is used as is) and the Dockerfile's references to
 * the name (`FROM name`, `COPY --from=name`, `RUN --mount=…,from=name`) are rewritten to that image, which BuildKit
 * on the Docker engine resolves from the local image store. Stage names win over context names, as in BuildKit. Pure.
 */

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

const FROM = /^(\s*FROM\s+(?:--platform=\S+\s+)?)(\S+)(.*)$/i;
const STAGE = /\s+AS\s+(\S+)\s*$/i;

/** Rewrites references to named contexts (name → image reference) in a Dockerfile's text. */
export const rewriteNamedContexts = (dockerfile: string, images: Readonly<Record<string, string>>): string => {
  const stages = new Set<string>();
  const target = (name: string): string | undefined => (stages.has(name.toLowerCase()) ? undefined : images[name]);
  return dockerfile
    .split("\n")
    .map((line) => {
      const from = FROM.exec(line);
      if (from) {
        const [, head = "", image = "", rest = ""] = from;
        const replaced = target(image);
        const stage = STAGE.exec(rest)?.[1];
        if (stage !== undefined) stages.add(stage.toLowerCase());
        return replaced === undefined ? line : `${head}${replaced}${rest}`;
      }
      if (!/^\s*(COPY|RUN|ADD)\b/i.test(line) && !/--mount|--from/.test(line)) return line;
      return line.replace(/((?:--|,)from=)([^\s,]+)/g, (whole, prefix: string, name: string) => {
        const replaced = target(name);
        return replaced === undefined ? whole : `${prefix}${replaced}`;
      });
    })
    .join("\n");
};
