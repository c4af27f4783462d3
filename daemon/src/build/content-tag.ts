/**
 * The content-hash tag of a built image: the same context files (path, kind, mode, content), Dockerfile, build args,
 * target and build options (labels, extra_hosts, network, shm_size, ulimits, platform, no_cache, pull) give the same
 * tag, so an existing image with that tag means the build can be skipped (Tilt's input hash).
 * Modification times are not part of it: touching a file does not rebuild.
 */
import { createHash } from "node:crypto";
import type { ImageBuildRequest, TagOptions } from "./build-options.js";

export interface HashedEntry {
  readonly path: string;
  readonly kind: "file" | "dir" | "symlink";
  /** Permission bits (0o755…). */
  readonly mode: number;
  /** sha256 hex of the content (file) or the link target (symlink); "" for directories. */
  readonly digest: string;
}

/**
 * What the tag hashes: the context's entries, the Dockerfile (the inline text instead of the file when set), the
 * args and target, and the build options that change the image (TagOptions: each hashed only when set, so tags of
 * projects that use none of them stay what they were).
 */
export interface ContentTagParams extends TagOptions, Pick<ImageBuildRequest, "dockerfile" | "dockerfileInline" | "args" | "target"> {
  /** Image repository without tag, e.g. "shop-web" (translate's image name without its tag: repositoryOf). */
  readonly repository: string;
  readonly entries: readonly HashedEntry[];
  /** additional_contexts: name → what the context is (its content-hash image, or the image reference). */
  readonly contexts?: Readonly<Record<string, string>>;
}

export const TAG_PREFIX = "dl-";

export const contentHash = (params: ContentTagParams): string => {
  const hash = createHash("sha256");
  hash.update("devloop-build-v1\0");
  for (const entry of [...params.entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    hash.update(`${entry.kind}\0${entry.path}\0${(entry.mode & 0o7777).toString(8)}\0${entry.digest}\0`);
  }
  hash.update(`dockerfile\0${params.dockerfile}\0${params.dockerfileInline ?? ""}\0`);
  for (const key of Object.keys(params.args).sort()) hash.update(`arg\0${key}\0${params.args[key] ?? ""}\0`);
  hash.update(`target\0${params.target ?? ""}\0`);
  const labels = params.labels ?? {};
  for (const key of Object.keys(labels).sort()) hash.update(`label\0${key}\0${labels[key] ?? ""}\0`);
  // Order kept: it is the order of the RUN steps' /etc/hosts lines.
  for (const host of params.extraHosts ?? []) hash.update(`host\0${host}\0`);
  if (params.network !== undefined) hash.update(`network\0${params.network}\0`);
  if (params.shmSize !== undefined) hash.update(`shm\0${params.shmSize}\0`);
  for (const u of [...(params.ulimits ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) hash.update(`ulimit\0${u.name}\0${u.soft}\0${u.hard}\0`);
  if (params.platform !== undefined) hash.update(`platform\0${params.platform}\0`);
  if (params.noCache === true) hash.update("nocache\0");
  if (params.pull === true) hash.update("pull\0");
  for (const id of [...(params.secretIds ?? [])].sort()) hash.update(`secret\0${id}\0`);
  for (const id of params.ssh ?? []) hash.update(`ssh\0${id}\0`);
  const contexts = params.contexts ?? {};
  for (const name of Object.keys(contexts).sort()) hash.update(`context\0${name}\0${contexts[name] ?? ""}\0`);
  return hash.digest("hex");
};

/** "<repository>:dl-<12 hex>", e.g. "shop-web:dl-3f9a0c1b2d4e". */
export const contentTag = (params: ContentTagParams): string => `${params.repository}:${TAG_PREFIX}${contentHash(params).slice(0, 12)}`;

/** The repository part of an image reference ("localhost:5000/shop-web:devloop" → "localhost:5000/shop-web"). */
export const repositoryOf = (ref: string): string => {
  const noDigest = ref.split("@")[0] ?? ref;
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
};
