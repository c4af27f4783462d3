// One namespace per test file: created in beforeAll, deleted (without waiting for finalisation) in afterAll.
import { randomBytes } from "node:crypto";
import { CoreV1Api } from "@kubernetes/client-node";
import type { KubeConfig } from "@kubernetes/client-node";

export const TEST_NAMESPACE_LABEL = "devloop.dev/test";

export async function createTestNamespace(kc: KubeConfig, prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString("hex")}`.toLowerCase().slice(0, 63);
  const core = kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name, labels: { [TEST_NAMESPACE_LABEL]: prefix } } } });
  await waitForDefaultServiceAccount(kc, name);
  return name;
}

/**
 * The controllers fill in the `default` ServiceAccount and (on 1.20) its token Secret shortly after a namespace
 * is created; until the token exists, pod creation fails with "No API token found for service account".
 */
export async function waitForDefaultServiceAccount(kc: KubeConfig, namespace: string, timeoutMs = 30_000): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const sa = await core.readNamespacedServiceAccount({ name: "default", namespace });
      if ((sa.secrets?.length ?? 0) > 0) return;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`namespace ${namespace}: default ServiceAccount has no token after ${timeoutMs} ms`, { cause: lastError });
    }
    await sleep(100);
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
