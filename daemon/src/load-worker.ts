/**
 * The composition root of the daemon's project-load worker, as main.ts is the daemon's: run by the CLI's hidden
 * `__load-worker` command in a worker thread that adapters/isolated-project-loader.ts starts with memory and time
 * limits. It serves loads with the loader the daemon used in its own thread before: project/project-loader.ts on the
 * disk, the doctor with the Docker image inspector.
 */
import { parentPort } from "node:worker_threads";
import { createDockerImageInspector } from "./adapters/docker-image-inspector.js";
import { createDoctorRunner } from "./adapters/doctor-runner.js";
import { serveProjectLoads } from "./adapters/project-load-worker.js";
import { osUser } from "./project/node-project-files.js";
import { cachedProjectAssets } from "./project/project-assets.js";
import { createProjectLoader } from "./project/project-loader.js";

/** Serves loads until the daemon ends the worker. */
export const runProjectLoadWorker = (): Promise<number> => {
  if (parentPort === null) return Promise.reject(new Error("devloop __load-worker runs only as the daemon's worker thread"));
  serveProjectLoads(parentPort, (files, note) => {
    const doctor = createDoctorRunner({ images: createDockerImageInspector(), onNote: (line) => note(`doctor: ${line}`) });
    const user = osUser();
    return createProjectLoader({ files, assets: cachedProjectAssets(), doctor, ...(user === undefined ? {} : { user }) });
  });
  return Promise.resolve(0);
};
