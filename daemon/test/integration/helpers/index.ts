// Shared helpers for integration tests against the real local cluster (scripts/local-cluster up).
export { bedKubeconfigPath, bedStateDir, loadBedKubeConfig, DEFAULT_CLUSTER_STATE_DIR } from "./kube-config.js";
export { bedImages } from "./bed-images.js";
export type { BedImages } from "./bed-images.js";
export {
  createTestNamespace,
  deleteTestNamespace,
  errorCode,
  sleep,
  TEST_NAMESPACE_LABEL,
  waitForDefaultServiceAccount,
} from "./namespace.js";
export { isPodReady, podSummary, PodWaitError, waitForPod, waitForPodReady, waitForPodSucceeded } from "./pods.js";
export type { WaitForPodParams } from "./pods.js";
export { execInPod, exitCodeOf } from "./exec.js";
export type { ExecParams, ExecResult } from "./exec.js";
export { openPortForward } from "./port-forward.js";
export type { OpenPortForward, PortForwardParams } from "./port-forward.js";
export { buildImage, createDocker, runInImage } from "./docker-images.js";
export type { BuildImageParams } from "./docker-images.js";
export { buildEchoServerImage, echoPod } from "./echo-server.js";
export type { EchoPodParams } from "./echo-server.js";
export { describeApiFailure, parseApiFailure } from "./api-errors.js";
export type { ApiFailure } from "./api-errors.js";
