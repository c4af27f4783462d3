/**
 * What the doctor reads from disk, behind one small interface: the real one is node-doctor-file-system.ts,
 * tests use createMemoryDoctorFileSystem(). All paths are absolute; listings are relative POSIX paths.
 */
export interface ContextFile {
  /** POSIX path relative to the listed directory, e.g. "src/index.js". */
  readonly path: string;
  readonly size: number;
}

export interface DoctorFileSystem {
  /** The file's text, or undefined when it does not exist or is not a file. */
  readText(path: string): Promise<string | undefined>;
  /**
   * Every regular file under dir, recursively, without following symbolic links; undefined when dir does not exist.
   * descend(relativeDir) returning false skips a directory (used to prune what .dockerignore excludes).
   */
  listFiles(dir: string, descend?: (relativeDir: string) => boolean): Promise<readonly ContextFile[] | undefined>;
  /** Up to length bytes from the start of the file; undefined when it cannot be read. */
  readHead(path: string, length: number): Promise<Uint8Array | undefined>;
}
