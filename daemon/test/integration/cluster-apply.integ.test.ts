// Server-side apply with a field manager: create, update, see ownership in managedFields, and a conflict with
// another manager that is reported as one clear line naming the field and its owner.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KubernetesObjectApi, PatchStrategy } from "@kubernetes/client-node";
import type { KubeConfig, V1ConfigMap } from "@kubernetes/client-node";
import { createTestNamespace, deleteTestNamespace, describeApiFailure, loadBedKubeConfig, parseApiFailure } from "./helpers/index.js";

describe("cluster: server-side apply", () => {
  let kc: KubeConfig;
  let api: KubernetesObjectApi;
  let ns: string;

  const configMap = (data: Record<string, string>): V1ConfigMap => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "settings", namespace: ns },
    data,
  });
  const apply = (obj: V1ConfigMap, fieldManager: string, force = false) =>
    api.patch(obj, undefined, undefined, fieldManager, force, PatchStrategy.ServerSideApply);

  beforeAll(async () => {
    kc = loadBedKubeConfig();
    api = KubernetesObjectApi.makeApiClient(kc);
    ns = await createTestNamespace(kc, "it-apply");
  });
  afterAll(async () => {
    await deleteTestNamespace(kc, ns);
  });

  it("creates and updates an object, recording the field manager", async () => {
    const created = await apply(configMap({ color: "blue" }), "devloop");
    expect(created.data).toEqual({ color: "blue" });
    const updated = await apply(configMap({ color: "green", size: "L" }), "devloop");
    expect(updated.data).toEqual({ color: "green", size: "L" });
    expect(updated.metadata?.managedFields?.map((f) => f.manager)).toContain("devloop");
  });

  it("applying the same input twice changes nothing (no new resourceVersion)", async () => {
    const a = await apply(configMap({ color: "green", size: "L" }), "devloop");
    const b = await apply(configMap({ color: "green", size: "L" }), "devloop");
    expect(b.metadata?.resourceVersion).toBe(a.metadata?.resourceVersion);
  });

  it("reports a conflict with another manager clearly, and force takes the field over", async () => {
    let caught: unknown;
    try {
      await apply(configMap({ color: "red" }), "someone-else");
    } catch (err) {
      caught = err;
    }
    expect(caught, "a conflicting apply must fail").toBeDefined();
    const failure = parseApiFailure(caught);
    expect(failure.code).toBe(409);
    expect(failure.conflicts).toEqual([{ field: ".data.color", manager: "devloop" }]);
    expect(describeApiFailure(`apply ConfigMap ${ns}/settings`, caught)).toBe(
      `apply ConfigMap ${ns}/settings: 409 Conflict: .data.color is owned by "devloop" (apply with force to take it over)`,
    );

    const forced = await apply(configMap({ color: "red" }), "someone-else", true);
    expect(forced.data?.["color"]).toBe("red");
    // devloop still owns `size`; the other manager now owns `color`.
    expect(forced.data?.["size"]).toBe("L");
  });

  it("dry-run validation returns the apiserver's field error", async () => {
    let caught: unknown;
    try {
      await api.patch(
        {
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: { name: "broken", namespace: ns },
          spec: {
            selector: { matchLabels: { app: "broken" } },
            template: { metadata: { labels: { app: "broken" } }, spec: { containers: [{ name: "c" }] } },
          },
        },
        undefined,
        "All",
        "devloop",
        false,
        PatchStrategy.ServerSideApply,
      );
    } catch (err) {
      caught = err;
    }
    const failure = parseApiFailure(caught);
    expect(failure.code).toBe(422);
    expect(failure.message).toContain("spec.template.spec.containers[0].image: Required value");
  });
});
