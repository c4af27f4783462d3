/** The Doctor port on the real doctor: runDoctor with the node file system and the Docker image inspector. */
import type { ImageInspector } from "../doctor/image-inspector.js";
import { nodeDoctorFileSystem } from "../doctor/node-doctor-file-system.js";
import { runDoctor } from "../doctor/run-doctor.js";
import type { Doctor } from "../ports/doctor.js";

export interface DoctorRunnerOptions {
  readonly images?: ImageInspector;
  /** Why a check was skipped, or why the doctor failed (then: no findings, the load goes on). */
  readonly onNote?: (note: string) => void;
}

export const createDoctorRunner = (options: DoctorRunnerOptions = {}): Doctor => ({
  async check(project) {
    try {
      return await runDoctor(project, {
        fs: nodeDoctorFileSystem,
        ...(options.images === undefined ? {} : { images: options.images }),
        ...(options.onNote === undefined ? {} : { onNote: options.onNote }),
      });
    } catch (error) {
      options.onNote?.(`doctor failed: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  },
});
