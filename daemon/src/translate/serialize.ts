/**
 * Manifests → text. YAML is written with the YAML 1.1 schema, the one kubectl's parser uses, so strings
 * such as "yes", "on" or "12:30" are quoted instead of turning into booleans and numbers on the way in.
 */
import { stringify } from "yaml";
import type { KubeManifest } from "./types.js";

export const toYamlDocuments = (manifests: readonly KubeManifest[]): string =>
  manifests.map((m) => stringify(m, { version: "1.1", lineWidth: 0, aliasDuplicateObjects: false })).join("---\n");

export const toJsonList = (manifests: readonly KubeManifest[]): string =>
  `${JSON.stringify({ apiVersion: "v1", kind: "List", items: manifests }, null, 2)}\n`;
