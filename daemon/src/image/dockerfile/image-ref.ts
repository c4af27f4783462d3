/**
 * How well an image reference is pinned: a digest, a full version, or something that moves under you
 * (latest, no tag, a major-only tag such as node:20, a tag with no version at all such as redis:alpine).
 */
export type ImagePinning =
  | { readonly kind: "digest" }
  | { readonly kind: "version" }
  | { readonly kind: "latest" }
  | { readonly kind: "no-tag" }
  | { readonly kind: "major-only"; readonly tag: string }
  | { readonly kind: "no-version"; readonly tag: string };

export interface ImageRef {
  /** Registry and repository, e.g. "docker.io/library/node" as written ("node"). */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

export const parseImageRef = (reference: string): ImageRef => {
  const [nameAndTag = "", digest] = reference.split("@", 2);
  const slash = nameAndTag.lastIndexOf("/");
  const colon = nameAndTag.lastIndexOf(":");
  const hasTag = colon > slash;
  const repository = hasTag ? nameAndTag.slice(0, colon) : nameAndTag;
  const tag = hasTag ? nameAndTag.slice(colon + 1) : undefined;
  return { repository, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
};

export const imagePinning = (reference: string): ImagePinning => {
  const ref = parseImageRef(reference);
  if (ref.digest !== undefined) return { kind: "digest" };
  if (ref.tag === undefined) return { kind: "no-tag" };
  if (ref.tag === "latest") return { kind: "latest" };
  if (/^v?\d+(?:[-_].*)?$/.test(ref.tag)) return { kind: "major-only", tag: ref.tag };
  if (!/\d/.test(ref.tag)) return { kind: "no-version", tag: ref.tag };
  return { kind: "version" };
};

/** The last path component of the repository ("docker.io/library/golang" → "golang"). */
export const imageBaseName = (reference: string): string => {
  const { repository } = parseImageRef(reference);
  return repository.slice(repository.lastIndexOf("/") + 1).toLowerCase();
};
