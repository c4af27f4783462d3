/**
 * devloop doctor: load the compose project and report container-image anti-patterns in its Dockerfiles,
 * build contexts and local images. Findings go to stdout (human or --json); exit 1 when any is an error.
 */
import { createDoctorReport, hasErrorFindings, nodeDoctorFileSystem, relativeTo, renderFindings, runDoctor } from "../../../daemon/src/doctor/index.js";
import { renderDiagnostics } from "../../../daemon/src/errors/render.js";
import { loadComposeModel } from "../../../daemon/src/project/load-compose.js";
import { nodeProjectFiles } from "../../../daemon/src/project/node-project-files.js";
import { type ComposeFlags, toLoadOptions } from "../compose-options.js";
import { dockerImageInspector } from "../local-adapters.js";

export interface DoctorFlags extends ComposeFlags {
  readonly json?: boolean;
  /** --no-images sets this to false. */
  readonly images?: boolean;
}

export const doctorCommand = async (services: string[], flags: DoctorFlags): Promise<number> => {
  const color = process.stdout.isTTY === true && !process.env["NO_COLOR"];
  const loaded = loadComposeModel(nodeProjectFiles, toLoadOptions(flags, services));
  if (!loaded.ok) {
    if (flags.json === true) process.stdout.write(`${JSON.stringify({ ok: false, diagnostics: loaded.diagnostics }, null, 2)}\n`);
    else process.stderr.write(renderDiagnostics(loaded.diagnostics, { color: process.stderr.isTTY === true && !process.env["NO_COLOR"], source: (file) => nodeProjectFiles.readFile(file) }));
    return 1;
  }
  const { project } = loaded;
  const checked = services.length > 0 ? services.filter((name) => name in project.services) : Object.keys(project.services);
  const notes: string[] = [];
  const findings = await runDoctor(project, {
    fs: nodeDoctorFileSystem,
    ...(flags.images === false ? {} : { images: await dockerImageInspector() }),
    displayPath: relativeTo(process.cwd()),
    services: checked,
    onNote: (note) => notes.push(note),
  });
  if (flags.json === true) {
    process.stdout.write(`${JSON.stringify(createDoctorReport(findings, checked, notes), null, 2)}\n`);
  } else {
    for (const note of notes) process.stderr.write(`devloop doctor: ${note}\n`);
    process.stdout.write(`${renderFindings(findings, checked.length, { color, source: (file) => nodeProjectFiles.readFile(file) })}\n`);
  }
  return hasErrorFindings(findings) ? 1 : 0;
};
