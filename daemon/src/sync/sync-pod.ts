/** Where a sync writes: one container of one pod, and the files put into it as they are (ports/syncer.ts uses both). */
export interface SyncPod {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
}

/** One file to put as it is (a compiled artifact): no local root, no manifest. */
export interface PutFilesParams {
  readonly pod: SyncPod;
  readonly targetDir: string;
  readonly files: readonly { readonly name: string; readonly content: Uint8Array; readonly mode: number }[];
}
