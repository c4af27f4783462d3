/** A ProjectLoader that returns whatever the test set last. */
import type { ProjectLoader, ProjectLoadResult, ProjectLoadRequest } from "../project-loader.js";

export interface FakeProjectLoader extends ProjectLoader {
  set(result: ProjectLoadResult): void;
  readonly requests: ProjectLoadRequest[];
}

export const createFakeProjectLoader = (initial: ProjectLoadResult): FakeProjectLoader => {
  let result = initial;
  const requests: ProjectLoadRequest[] = [];
  return {
    requests,
    set: (r) => void (result = r),
    load: async (request) => {
      requests.push(request);
      await Promise.resolve();
      return result;
    },
  };
};
