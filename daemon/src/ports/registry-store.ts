/**
 * A registry's HTTP API as registry retention needs it (build/registry-retention.ts): list a repository's tags,
 * resolve a tag to its manifest digest and creation time, delete a manifest. The real one is
 * adapters/registry-http.ts (Docker Registry HTTP API v2, with the Docker config's credentials).
 */
import type { RegistryTag } from "../build/registry-retention.js";

export interface RegistryRepository {
  /** host[:port], as the image reference starts. */
  readonly host: string;
  /** The repository's name in the registry ("team/shop-web"). */
  readonly name: string;
}

export interface RegistryStore {
  /** The repository's tags, each with its digest and creation time; tags whose manifest is gone are left out. */
  list(repository: RegistryRepository): Promise<readonly RegistryTag[]>;
  /** Deletes the manifest (every tag pointing at it goes with it); a manifest already gone is not an error. */
  deleteManifest(repository: RegistryRepository, digest: string): Promise<void>;
}
