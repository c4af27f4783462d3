// One namespace per test file: created in beforeAll, deleted (without waiting for finalisation) in afterAll.
import { randomBytes } from "node:crypto";
import { CoreV1Api } from "@kubernetes/client-node";
import type { KubeConfig } from "@kubernetes/client-node";

export const TEST_NAMESPACE_LABEL = "devloop.dev/test";

export async function createTestNamespace(kc: KubeConfig, prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString("hex")}`.toLowerCase().slice(0, 63);
  const core = kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name, labels: { [TEST_NAMESPACE_LABEL]: prefix } } } });
  // The ServiceAccount controller fills in `default` shortly after; pods are rejected until it exists.
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await core.readNamespacedServiceAccount({ name: "default", namespace: name });
      return name;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`namespace ${name}: no default ServiceAccount after 30 s`, { cause: err });
      await sleep(200);
    }
  }
}

export async function deleteTestNamespace(kc: KubeConfig, name: string | undefined): Promise<void> {
  if (name === undefined) return;
  const core = kc.makeApiClient(CoreV1Api);
  try {
    await core.deleteNamespace({ name, propagationPolicy: "Background", gracePeriodSeconds: 0 });
  } catch (err) {
    if (errorCode(err) !== 404) throw err;
  }
}

export function errorCode(err: unknown): number | undefined {
  if (typeof err === "object" && err !== null && "code" in err && typeof err.code === "number") return err.code;
  return undefined;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
