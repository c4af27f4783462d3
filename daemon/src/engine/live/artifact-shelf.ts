/**
 * The last good compiled artifact per service (x-devloop.compile): put into every pod after a compile, and put back
 * into a pod devloop has not synced yet (its reconcile). A failed compile leaves the previous one on the shelf.
 */
export interface Artifact {
  readonly content: Uint8Array;
  readonly mode: number;
}

export interface ArtifactShelf {
  keep(service: string, artifact: Artifact): void;
  last(service: string): Artifact | undefined;
}

export const createArtifactShelf = (): ArtifactShelf => {
  const artifacts = new Map<string, Artifact>();
  return {
    keep: (service, artifact) => { artifacts.set(service, artifact); },
    last: (service) => artifacts.get(service),
  };
};
