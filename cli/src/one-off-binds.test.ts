import { describe, expect, it } from "vitest";
import { createFakeSyncer } from "../../daemon/src/ports/fakes/fake-syncer.js";
import type { PodTerminal } from "../../daemon/src/ports/pod-terminal.js";
import type { ServiceLive } from "../../daemon/src/translate/types.js";
import { oneOffBinds } from "./one-off-binds.js";

const live = (binds: string[]): ServiceLive => ({
  service: "app",
  container: "app",
  rules: [
    { id: "app:bind[0]", action: "sync", path: "/p", localRoot: "/p", targetDir: "/app", ignore: ["/node_modules/"], include: [], initialSync: true },
    { id: "app:watch[0]", action: "sync", path: "/p/src", localRoot: "/p/src", targetDir: "/srv", ignore: [], include: [] },
  ],
  binds,
} as unknown as ServiceLive);

const terminal = (code: number) => {
  const execs: { pod: string; container: string; command: readonly string[] }[] = [];
  const t = {
    exec: (p: { pod: string; container: string; command: readonly string[] }) => { execs.push(p); return Promise.resolve(code); },
    podContainers: () => Promise.reject(new Error("unused")),
    runPod: () => Promise.reject(new Error("unused")),
  } as unknown as PodTerminal;
  return { t, execs };
};

describe("devloop run's bind fill", () => {
  it("puts each bind's tree into the one-off pod's devloop-bind container, empty before, then creates the ready file", async () => {
    const syncer = createFakeSyncer();
    const { t, execs } = terminal(0);
    const lines: string[] = [];
    const fill = oneOffBinds({ live: live(["app:bind[0]"]), namespace: "shop-me", syncer: () => Promise.resolve(syncer), terminal: t, onStatus: (l) => lines.push(l) });
    expect(fill?.initContainer).toBe("devloop-bind");
    await fill?.run("shop-app-run-x1");
    expect(syncer.calls).toHaveLength(1);
    expect(syncer.calls[0]).toMatchObject({ method: "fullSync", params: { pod: { namespace: "shop-me", pod: "shop-app-run-x1", container: "devloop-bind" }, localRoot: "/p", targetDir: "/app" } });
    const call = syncer.calls[0];
    const filter = call?.method === "fullSync" ? call.params.filter : undefined;
    // The bind's ignore rules, as the daemon's fill reads them (an anonymous volume over node_modules hides it).
    expect(filter?.("node_modules", true)).toBe(false);
    expect(filter?.("server.js", false)).toBe(true);
    expect(execs).toEqual([expect.objectContaining({ pod: "shop-app-run-x1", container: "devloop-bind", command: ["/bin/sh", "-c", ": > /.devloop-bind/ready"] })]);
    expect(lines[0]).toMatch(/^\/p put at \/app/);
  });

  it("none without binds; a ready file that cannot be made fails the run (137, the container ending, does not)", async () => {
    expect(oneOffBinds({ live: live([]), namespace: "n", syncer: () => Promise.resolve(createFakeSyncer()), terminal: terminal(0).t, onStatus: () => undefined })).toBeUndefined();
    expect(oneOffBinds({ live: undefined, namespace: "n", syncer: () => Promise.resolve(createFakeSyncer()), terminal: terminal(0).t, onStatus: () => undefined })).toBeUndefined();
    await expect(oneOffBinds({ live: live(["app:bind[0]"]), namespace: "n", syncer: () => Promise.resolve(createFakeSyncer()), terminal: terminal(137).t, onStatus: () => undefined })?.run("p")).resolves.toBeUndefined();
    await expect(oneOffBinds({ live: live(["app:bind[0]"]), namespace: "n", syncer: () => Promise.resolve(createFakeSyncer()), terminal: terminal(1).t, onStatus: () => undefined })?.run("p")).rejects.toThrow("creating /.devloop-bind/ready in devloop-bind exited 1");
  });
});
