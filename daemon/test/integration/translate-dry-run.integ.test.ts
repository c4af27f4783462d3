// Every golden manifest (fixtures/compose/*/expected.k8s.yaml) and a fresh render of compose.example.yml are
// accepted by the real API server: server-side apply with dryRun=All, in a throw-away namespace.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { KubernetesObjectApi, PatchStrategy } from "@kubernetes/client-node";
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProject } from "../../src/compose/index.js";
import { nodeFileSystem } from "../../src/compose/node-file-system.js";
import { collectFileContents } from "../../src/translate/file-contents.js";
import { toManifests } from "../../src/translate/index.js";
import { loadTemplates } from "../../src/translate/load-templates.js";
import type { KubeManifest } from "../../src/translate/types.js";
import { createTestNamespace, deleteTestNamespace, describeApiFailure, loadBedKubeConfig } from "./helpers/index.js";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const CASES = path.join(REPO, "fixtures/compose");

describe("cluster: translated manifests pass server-side dry-run", () => {
  let kc: KubeConfig;
  let api: KubernetesObjectApi;
  let ns: string;

  beforeAll(async () => {
    kc = loadBedKubeConfig();
    api = KubernetesObjectApi.makeApiClient(kc);
    ns = await createTestNamespace(kc, "it-translate");
  });
  afterAll(async () => {
    await deleteTestNamespace(kc, ns);
  });

  /** Dry-run apply each object (namespaced ones into the test namespace); returns the failures, reworded. */
  const dryRun = async (objects: readonly KubeManifest[]): Promise<string[]> => {
    const failures: string[] = [];
    for (const object of objects) {
      const placed = (object.kind === "Namespace" ? object : { ...object, metadata: { ...object.metadata, namespace: ns } }) as KubernetesObject;
      try {
        await api.patch(placed, undefined, "All", "devloop", true, PatchStrategy.ServerSideApply);
      } catch (error) {
        failures.push(describeApiFailure(`dry-run ${object.kind}/${object.metadata.name}`, error));
      }
    }
    return failures;
  };

  it("accepts compose.example.yml as devloop render produces it", async () => {
    const loaded = loadProject(
      { files: [path.join(REPO, "compose.example.yml")], profiles: ["*"], envFiles: [], services: [], environment: {}, cwd: REPO },
      nodeFileSystem,
    );
    if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join("\n"));
    const result = toManifests(loaded.project, {
      namespace: ns,
      templates: loadTemplates().templates,
      files: collectFileContents(loaded.project, (f) => nodeFileSystem.readFile(f)),
      includeNamespace: false,
    });
    expect(result.manifests.length).toBeGreaterThan(5);
    expect(await dryRun(result.manifests)).toEqual([]);
    // A dry run stores nothing.
    const stored = await api.list("apps/v1", "Deployment", ns);
    expect(stored.items).toEqual([]);
  });

  const cases = readdirSync(CASES, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  it.each(cases)("accepts fixtures/compose/%s/expected.k8s.yaml", async (name) => {
    const text = readFileSync(path.join(CASES, name, "expected.k8s.yaml"), "utf8");
    const objects = parseAllDocuments(text, { version: "1.1" }).map((d) => d.toJS() as KubeManifest);
    expect(objects.length).toBeGreaterThan(0);
    expect(await dryRun(objects.filter((o) => o.kind !== "Namespace"))).toEqual([]);
  });
});
