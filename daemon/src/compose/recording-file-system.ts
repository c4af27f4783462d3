/**
 * A ComposeFileSystem that remembers every file it read: the loader's inputs beyond the compose files (.env,
 * --env-file, env_file, label_file, secret and config files, bind-mounted files), which the daemon watches so that
 * an edit to any of them reloads the project, as an edit to the compose file does.
 */
import type { ComposeFileSystem } from "./types.js";

export interface RecordingFileSystem extends ComposeFileSystem {
  /** Absolute paths read with content, in first-read order. */
  readonly read: () => readonly string[];
}

export const createRecordingFileSystem = (inner: ComposeFileSystem): RecordingFileSystem => {
  const read = new Set<string>();
  return {
    readFile(path) {
      const text = inner.readFile(path);
      if (text !== undefined) read.add(path);
      return text;
    },
    exists: (path) => inner.exists(path),
    read: () => [...read],
  };
};
