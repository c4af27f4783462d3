/**
 * A RegistryStore for engine tests: repositories ("<host>/<name>") hold tags with digests and creation times the
 * test pushes; deleting a digest removes every tag pointing at it. `deletes` records each delete; `failWith` makes
 * the next list fail (a registry that refuses).
 */
import type { RegistryTag } from "../../build/registry-retention.js";
import type { RegistryRepository, RegistryStore } from "../registry-store.js";

export interface FakeRegistryStore extends RegistryStore {
  push(repository: string, tag: string, digest: string, created: number): void;
  tags(repository: string): string[];
  readonly deletes: string[];
  readonly lists: string[];
  failWith(message: string): void;
}

export const createFakeRegistryStore = (): FakeRegistryStore => {
  const repos = new Map<string, RegistryTag[]>();
  const deletes: string[] = [];
  const lists: string[] = [];
  let failure: string | undefined;
  const keyOf = (r: RegistryRepository): string => `${r.host}/${r.name}`;
  return {
    deletes,
    lists,
    push: (repository, tag, digest, created) => void repos.set(repository, [...(repos.get(repository) ?? []).filter((t) => t.tag !== tag), { tag, digest, created }]),
    tags: (repository) => (repos.get(repository) ?? []).map((t) => t.tag),
    failWith: (message) => void (failure = message),
    list(repository) {
      lists.push(keyOf(repository));
      if (failure !== undefined) {
        const message = failure;
        failure = undefined;
        return Promise.reject(new Error(message));
      }
      return Promise.resolve([...(repos.get(keyOf(repository)) ?? [])]);
    },
    deleteManifest(repository, digest) {
      deletes.push(`${keyOf(repository)}@${digest}`);
      repos.set(keyOf(repository), (repos.get(keyOf(repository)) ?? []).filter((t) => t.digest !== digest));
      return Promise.resolve();
    },
  };
};
