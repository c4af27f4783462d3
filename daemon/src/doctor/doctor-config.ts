/**
 * Per-service doctor settings from `x-devloop: { doctor: { ignore: [DL-DOCTOR-004], kind: monolith } }`,
 * merged with the project-level `x-devloop.doctor.ignore`.
 */
import type { ComposeProject, ServiceSpec } from "../compose/types.js";
import { IMAGE_KINDS } from "./thresholds.js";
import type { ImageKind } from "./thresholds.js";

export interface ServiceDoctorConfig {
  readonly ignore: ReadonlySet<string>;
  readonly kind: ImageKind;
}

const record = (value: unknown): Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

const doctorSection = (extensions: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> =>
  record(record(extensions["x-devloop"])["doctor"]);

const ignoreList = (section: Readonly<Record<string, unknown>>): string[] => {
  const value = section["ignore"];
  const list = Array.isArray(value) ? (value as unknown[]) : typeof value === "string" ? [value] : [];
  return list.filter((item): item is string => typeof item === "string").map((code) => code.trim().toUpperCase());
};

export const serviceDoctorConfig = (project: ComposeProject, service: ServiceSpec): ServiceDoctorConfig => {
  const own = doctorSection(service.extensions);
  const kind = own["kind"];
  return {
    ignore: new Set([...ignoreList(doctorSection(project.extensions)), ...ignoreList(own)]),
    kind: IMAGE_KINDS.find((known) => known === kind) ?? "microservice",
  };
};
