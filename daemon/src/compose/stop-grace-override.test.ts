import { describe, expect, it } from "vitest";
import { loadProject } from "./index.js";
import { createMemoryFileSystem } from "./memory-file-system.js";

const files = createMemoryFileSystem({ "/p/compose.yml": "services:\n  web:\n    image: nginx\n    stop_grace_period: 1m\n  worker:\n    image: busybox\n" });
const load = (stopGracePeriod?: number) =>
  loadProject({ files: ["/p/compose.yml"], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p", ...(stopGracePeriod === undefined ? {} : { stopGracePeriod }) }, files);

describe("LoadOptions.stopGracePeriod (up -t/--timeout)", () => {
  it("replaces every service's stop_grace_period, as Compose's --timeout does; without it the files' values stand", () => {
    const plain = load();
    const overridden = load(3);
    if (!plain.ok || !overridden.ok) throw new Error("fixture did not load");
    expect([plain.project.services["web"]?.stopGracePeriod, plain.project.services["worker"]?.stopGracePeriod]).toEqual([60, undefined]);
    expect([overridden.project.services["web"]?.stopGracePeriod, overridden.project.services["worker"]?.stopGracePeriod]).toEqual([3, 3]);
  });
});
