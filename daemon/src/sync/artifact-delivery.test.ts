import { describe, expect, it } from "vitest";
import { archiveOwner, chooseArtifactDelivery, pickPodContainer, podLabels } from "./artifact-delivery.js";

const pod = { namespace: "shop-dev", pod: "api-7d9f-x2", container: "api" };
const labels = (over: Record<string, string> = {}) => ({
  [podLabels.namespace]: "shop-dev", [podLabels.name]: "api-7d9f-x2", [podLabels.container]: "api", [podLabels.uid]: "uid-1", ...over,
});

describe("chooseArtifactDelivery", () => {
  it("goes through the Docker engine when images do, over exec otherwise", () => {
    expect(chooseArtifactDelivery({ imageDelivery: "docker" })).toMatchObject({ ok: true, delivery: { strategy: "docker" } });
    expect(chooseArtifactDelivery({ imageDelivery: "kind" })).toMatchObject({ ok: true, delivery: { strategy: "exec" } });
    expect(chooseArtifactDelivery({ imageDelivery: "registry" })).toMatchObject({ ok: true, delivery: { strategy: "exec" } });
  });

  it("honours an explicit choice and rejects unknown ones", () => {
    expect(chooseArtifactDelivery({ explicit: "exec", imageDelivery: "docker" })).toEqual({ ok: true, delivery: { strategy: "exec", reason: "chosen explicitly" } });
    expect(chooseArtifactDelivery({ explicit: "docker", imageDelivery: "registry" })).toMatchObject({ ok: true, delivery: { strategy: "docker" } });
    expect(chooseArtifactDelivery({ explicit: "scp", imageDelivery: "docker" })).toEqual({ ok: false, message: 'unknown artifact delivery "scp"; expected one of docker, exec' });
  });
});

describe("pickPodContainer", () => {
  it("takes the one running container with the pod's namespace, name, container name and UID", () => {
    const picked = pickPodContainer([
      { id: "old", state: "exited", labels: labels() },
      { id: "sidecar", state: "running", labels: labels({ [podLabels.container]: "proxy" }) },
      { id: "now", state: "running", labels: labels() },
    ], pod, "uid-1");
    expect(picked?.id).toBe("now");
  });

  it("never a same-named pod of another cluster (another UID), and never a guess between two", () => {
    expect(pickPodContainer([{ id: "other", state: "running", labels: labels({ [podLabels.uid]: "uid-2" }) }], pod, "uid-1")).toBeUndefined();
    expect(pickPodContainer([{ id: "a", state: "running", labels: labels() }, { id: "b", state: "running", labels: labels() }], pod, "uid-1")).toBeUndefined();
    expect(pickPodContainer([], pod, "uid-1")).toBeUndefined();
  });
});

describe("archiveOwner", () => {
  it("numeric users as given, root when empty, nothing for names", () => {
    expect(archiveOwner("")).toEqual({ uid: 0, gid: 0 });
    expect(archiveOwner("1000")).toEqual({ uid: 1000, gid: 0 });
    expect(archiveOwner("1000:1001")).toEqual({ uid: 1000, gid: 1001 });
    expect(archiveOwner("node")).toBeUndefined();
    expect(archiveOwner("1000:staff")).toBeUndefined();
  });
});
