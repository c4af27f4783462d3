/** Holds docs/compose-support.md's "Volume forms" table (volume-forms.ts) to what translation does. */
import { describe, expect, it } from "vitest";
import { toManifests } from "./index.js";
import { project, service } from "../compose/test-project.js";
import { volumeForms } from "./volume-forms.js";

interface Pod {
  readonly initContainers?: readonly { readonly name: string }[];
  readonly containers: readonly { readonly volumeMounts?: readonly { readonly name: string; readonly mountPath: string }[] }[];
  readonly volumes?: readonly Record<string, unknown>[];
}

describe("volume forms (docs/compose-support.md)", () => {
  for (const form of volumeForms) {
    it(`${form.form} → ${form.expect.source}`, () => {
      const p = project([service("web", { volumes: [form.example], extensions: form.extensions ?? {} })], {
        volumes: { data: { name: "shop_data", driverOpts: {}, external: false, labels: {}, extensions: {} } },
      });
      const result = toManifests(p, { namespace: "ns", ...(form.example.type === "bind" && form.example.source.endsWith(".conf") ? { bindFiles: { [form.example.source]: "events {}\n" } } : {}) });
      const deployment = result.manifests.find((m) => m.kind === "Deployment") as unknown as { spec: { template: { spec: Pod } } };
      const pod = deployment.spec.template.spec;
      const mount = pod.containers[0]?.volumeMounts?.find((m) => m.mountPath === form.example.target);
      const volume = pod.volumes?.find((v) => v["name"] === mount?.name);
      expect(Object.keys(volume ?? {}).filter((k) => k !== "name")).toEqual([form.expect.source]);
      expect((pod.initContainers ?? []).map((c) => c.name)).toEqual(form.expect.init);
      const rule = result.live["web"]?.rules[0];
      expect(rule === undefined ? undefined : { pull: rule.pull !== undefined }).toEqual(form.expect.live);
      expect(result.warnings.map((w) => w.code)).toEqual(form.expect.warning === undefined ? [] : [form.expect.warning]);
    });
  }
});
