/**
 * `devloop run` of a service with directory binds (`.:/app`): the one-off pod keeps its devloop-bind init container,
 * and the CLI puts each bind's local tree there as the daemon does for the service's own pods
 * (daemon/src/engine/live/bind-fill.ts: the same syncer, ignore rules and confinement, into an empty directory), then
 * creates the ready file, so the command starts with the tree in place. Edits made while it runs are not synced into
 * it, and what it writes there does not come back to the host (the daemon's way back serves the service's own pods).
 */
import type { BeforeStart, PodTerminal } from "../../daemon/src/ports/pod-terminal.js";
import type { Syncer } from "../../daemon/src/ports/syncer.js";
import { emptyManifest } from "../../daemon/src/sync/hash-manifest.js";
import { ruleFilter } from "../../daemon/src/sync/rule-filter.js";
import { refusalMessage } from "../../daemon/src/sync/sync-path.js";
import { bindContainerName, bindReadyFile } from "../../daemon/src/translate/bind-mounts.js";
import type { ServiceLive } from "../../daemon/src/translate/types.js";
import { Writable } from "node:stream";

const discard = (): Writable => new Writable({ write(_chunk, _enc, cb) { cb(); } });

export interface OneOffBindsParams {
  readonly live: ServiceLive | undefined;
  readonly namespace: string;
  readonly syncer: () => Promise<Syncer>;
  readonly terminal: PodTerminal;
  readonly onStatus: (line: string) => void;
}

/** The fill of a one-off pod's binds, or undefined when the service has none. */
export const oneOffBinds = ({ live, namespace, syncer, terminal, onStatus }: OneOffBindsParams): BeforeStart | undefined => {
  const rules = (live?.binds ?? []).flatMap((id) => live?.rules.filter((r) => r.id === id && r.targetDir !== undefined) ?? []);
  if (live === undefined || rules.length === 0) return undefined;
  const container = live.bindContainer ?? bindContainerName;
  return {
    initContainer: container,
    async run(pod) {
      const sync = await syncer();
      for (const rule of rules) {
        const targetDir = rule.targetDir ?? "";
        const result = await sync.fullSync({ pod: { namespace, pod, container }, localRoot: rule.localRoot, targetDir, previous: emptyManifest, filter: await ruleFilter(rule) });
        onStatus(`${rule.localRoot} put at ${targetDir} (${result.put.length} entries, ${Math.round(result.ms)} ms)`);
        for (const r of result.refused) onStatus(`not put: ${refusalMessage(rule.localRoot, r.rel, r.reason)}`);
      }
      // The ready file, last: the init container ends right after, which can kill this exec (137) once it is done.
      const code = await terminal.exec({ namespace, pod, container, command: ["/bin/sh", "-c", `: > ${bindReadyFile}`], tty: false, stdin: null, stdout: discard(), stderr: discard() });
      if (code !== 0 && code !== 137) throw new Error(`could not start ${pod}: creating ${bindReadyFile} in ${container} exited ${code}`);
    },
  };
};
