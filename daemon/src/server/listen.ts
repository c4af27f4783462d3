/**
 * Listening on 127.0.0.1 with the documented port choice: an explicit port (DEVLOOP_PORT) or nothing; else the
 * previous daemon's port when it is free (an open dashboard finds the restarted daemon at the same address), else
 * any free port.
 *
 * Not `app.listen`: Express 5 hands a listen error to the listen callback (as if it had succeeded) instead of
 * rejecting, so a busy port looked like a started server on port 0. Here the server's own 'listening' and
 * 'error' events decide.
 */
import { createServer, type RequestListener, type Server } from "node:http";
import { DevloopError } from "../errors/devloop-error.js";
import { RuntimeCodes } from "../errors/runtime-codes.js";

export class ListenError extends DevloopError {
  override readonly name = "ListenError";
  protected readonly defaultCode = RuntimeCodes.listen.code;
}

/** Resolves once the server listens on port (0 = any free one); rejects with the socket error otherwise. */
export const listenOn = (handler: RequestListener, port: number, host = "127.0.0.1"): Promise<Server> =>
  new Promise((resolve, reject) => {
    const server = createServer(handler);
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off("listening", onListening);
      server.close();
      reject(error);
    };
    const onListening = (): void => {
      server.off("error", onError);
      resolve(server);
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });

export const boundPort = (server: Server): number => {
  const address = server.address();
  return typeof address === "object" && address !== null ? address.port : 0;
};

export interface PortChoice {
  /** DEVLOOP_PORT or --port: that port or an error. */
  readonly explicit?: number;
  /** The last daemon's port (the state directory's port file), tried first when free. */
  readonly previous?: number;
  /** Told when the previous port is taken and another is used. */
  readonly onFallback?: (previous: number, reason: string) => void;
}

const validPort = (n: number | undefined): n is number => n !== undefined && Number.isInteger(n) && n > 0 && n < 65_536;

export const listenWithFallback = async (handler: RequestListener, choice: PortChoice, host = "127.0.0.1"): Promise<Server> => {
  if (choice.explicit !== undefined) {
    if (!Number.isInteger(choice.explicit) || choice.explicit < 0 || choice.explicit >= 65_536) {
      throw new ListenError(`DEVLOOP_PORT: expected a port number 0-65535, got ${String(choice.explicit)}`);
    }
    try {
      return await listenOn(handler, choice.explicit, host);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ListenError(
        code === "EADDRINUSE"
          ? `cannot listen on ${host}:${choice.explicit} (DEVLOOP_PORT): the port is in use; unset DEVLOOP_PORT to take any free port`
          : `cannot listen on ${host}:${choice.explicit} (DEVLOOP_PORT): ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  if (validPort(choice.previous)) {
    try {
      return await listenOn(handler, choice.previous, host);
    } catch (error) {
      choice.onFallback?.(choice.previous, (error as NodeJS.ErrnoException).code ?? String(error));
    }
  }
  return listenOn(handler, 0, host);
};
