/** The flags of `devloop up`, read by up.ts and up-dry-run.ts (apart, so neither file imports the other back). */
import type { ComposeFlags } from "../compose-options.js";

export interface UpFlags extends ComposeFlags {
  readonly namespace?: string;
  readonly context?: string;
  /** --allow-context NAME (repeatable): deploy to this non-local context. */
  readonly allowContext?: readonly string[];
  readonly detach?: boolean;
  /** commander's --no-isolation. */
  readonly isolation?: boolean;
  /** -t/--timeout: as Compose, the shutdown timeout (seconds) of the containers it replaces: every pod's grace period. */
  readonly timeout?: string;
  /** --wait: as Compose, wait for running and ready, then exit (implies --detach). */
  readonly wait?: boolean;
  /** --wait-timeout: the wait's bound in seconds, with --detach or --wait. */
  readonly waitTimeout?: string;
  /** --build / --no-build (commander: true / false; undefined when neither is given). */
  readonly build?: boolean;
  /** --dry-run: print what would change, apply nothing (up-dry-run.ts). */
  readonly dryRun?: boolean;
  /** --image-delivery auto|registry|engine|kind: before DEVLOOP_IMAGE_DELIVERY and x-devloop.image_delivery. */
  readonly imageDelivery?: string;
  /** --registry host[:port][/path]: before DEVLOOP_REGISTRY and x-devloop.registry. */
  readonly registry?: string;
}
