/**
 * How the daemon's Node process is started, shared by everything that starts one: the CLI's detached spawn
 * (cli/src/client.ts), the integration tests' and benchmarks' daemons, and the systemd unit in docs/architecture.md.
 * These are V8 flags, so they must be on the command line: the heap's shape is fixed when the isolate is made.
 *
 * --max-semi-space-size=2: V8 grows the young generation (two semispaces, 16 MiB each at most on 64-bit Node 20)
 * when allocation is fast, and shrinks it only after a while idle. The daemon allocates steadily while edits stream
 * in (a state per batch, public views, tar buffers) and keeps little of it: in a soak of 400 edits the retained heap
 * grew by 0.9 MiB while the young generation's pages went from 0.3 to 29 MiB, which was most of the RSS swing the
 * soak benchmark measured (+11.7 % and +13.5 % by the end of the edits, back down after 30 s idle). Capping each
 * semispace at 2 MiB bounds that part at ~4 MiB for a few more scavenges (docs/benchmarks.md, "Soak").
 *
 * --expose-gc: after a big streamed payload (a 200 MiB file, a bind's fill) the daemon runs one full collection once
 * it has been quiet for 2 s (adapters/idle-collect.ts); an idle process allocates too little for V8 to do it on its
 * own, so the dead frames stayed resident (docs/benchmarks.md, "A 200 MiB file synced").
 */
export const daemonNodeFlags: readonly string[] = ["--max-semi-space-size=2", "--expose-gc"];

/**
 * Environment the daemon's process starts with, over the caller's. MALLOC_MMAP_THRESHOLD_ (glibc; ignored elsewhere):
 * a fixed threshold, so buffers of 128 KiB and up (the 1 MiB reads and 4 MiB frames of a streamed payload, zlib's) are
 * mmap'ed and unmapped when freed. glibc's default raises the threshold after the first such free, so later big
 * buffers come from the heap, which keeps the pages once they are freed: after a 200 MiB file the collection above
 * freed them and RSS stayed. In a probe (1 MiB reads concatenated into 4 MiB frames, 200 MiB, then gc()): 77 → 77 MiB
 * with the default, 73 → 49 MiB with the fixed threshold.
 */
export const daemonEnv: Readonly<Record<string, string>> = { MALLOC_MMAP_THRESHOLD_: "131072" };
