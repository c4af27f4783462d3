/** A provider: service (compose-spec provider) is not run: the engine gets no unit for it, and nobody waits for it. */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nodeProjectFiles } from "./node-project-files.js";
import { cachedProjectAssets } from "./project-assets.js";
import { createProjectLoader } from "./project-loader.js";

const assets = cachedProjectAssets();
const dir = path.join(fileURLToPath(new URL("../../../", import.meta.url)), "fixtures/compose/provider-service");

describe("project loader: provider services", () => {
  it("leaves the provider service out of the units and the depends_on graph", async () => {
    const result = await createProjectLoader({ files: nodeProjectFiles, assets }).load({ options: { files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: dir } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.project.services).toEqual(["app"]);
    expect(result.project.dependencies).toEqual([]);
    expect(result.project.manifests.some((m) => m.metadata.name === "database")).toBe(false);
    expect(result.project.warnings.map((d) => `${d.code} ${d.path}`)).toContain("DL-TRANSLATE-001 services.database.provider");
  });
});
