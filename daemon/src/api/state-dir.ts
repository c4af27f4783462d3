/**
 * Where the daemon keeps its files, shared by the daemon and the CLI: one directory per user and machine.
 * $DEVLOOP_STATE_DIR, else $XDG_STATE_HOME/devloop, else ~/.local/state/devloop. The directory is 0700 (the
 * daemon narrows it at start): reading the token is what proves a caller is its owner.
 *   daemon.json  {pid, port, version, startedAt}   (0600)
 *   token        the bearer token for every API call (0600); browsers get a session cookie instead
 *   state.json   the engine's persisted projects     (0600, written atomically; no secret values)
 *   state.secrets.json  the secret variables those projects' requests referred to (0600; server/state-file.ts)
 *   daemon.log   the daemon's log lines
 */
import { homedir } from "node:os";
import { join } from "node:path";

export const stateDir = (env: Readonly<Record<string, string | undefined>> = process.env): string => {
  const explicit = env["DEVLOOP_STATE_DIR"];
  if (explicit !== undefined && explicit !== "") return explicit;
  const xdg = env["XDG_STATE_HOME"];
  return join(xdg !== undefined && xdg !== "" ? xdg : join(homedir(), ".local", "state"), "devloop");
};

export const stateFiles = (dir: string) => ({
  daemon: join(dir, "daemon.json"),
  token: join(dir, "token"),
  state: join(dir, "state.json"),
  log: join(dir, "daemon.log"),
  lock: join(dir, "daemon.lock"),
  /** The port the last daemon listened on: the next one takes it again when free, so an open dashboard finds it. */
  port: join(dir, "port"),
});

export interface DaemonInfo {
  readonly pid: number;
  readonly port: number;
  readonly version: string;
  readonly startedAt: number;
}

export const daemonVersion = "0.1.0";
