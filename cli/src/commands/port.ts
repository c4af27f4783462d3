/**
 * devloop port SERVICE PRIVATE_PORT: the local address devloop forwards to that container port, as
 * `docker compose port` prints it (127.0.0.1:8080). Only published ports (compose ports:) are forwarded.
 */
import type { PublicService } from "../../../daemon/src/api/types.js";
import { daemonProject, serviceOf, type ProjectFlags } from "../daemon-project.js";
import { ExitCode } from "../output.js";
import { UserError } from "../user-error.js";

export interface PortFlags extends ProjectFlags {
  readonly protocol?: string;
}

/** "127.0.0.1:8080", or a UserError saying what is forwarded instead. */
export const forwardedAddress = (service: PublicService, privatePort: string, protocol = "tcp"): string => {
  const [portText = "", proto = protocol] = privatePort.split("/");
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) throw new UserError(`the private port must be a number from 1 to 65535; got "${privatePort}"`);
  if (proto !== "tcp") throw new UserError(`only tcp ports are forwarded; got ${proto}`);
  const forward = service.ports.find((p) => p.remote === port);
  if (!forward) {
    const have = service.ports.map((p) => String(p.remote));
    throw new UserError(`${service.name} publishes no port ${port}${have.length > 0 ? `; it publishes ${have.join(", ")}` : " (it has no ports:)"}`);
  }
  if (forward.status === "failed") throw new UserError(`${service.name}:${port} is not forwarded: ${forward.message ?? "the forward failed"}`);
  if (forward.local === 0) throw new UserError(`${service.name}:${port} has no local port yet (the forward is ${forward.status}); try again in a moment`);
  return `127.0.0.1:${forward.local}`;
};

export const portCommand = async (service: string, privatePort: string, flags: PortFlags): Promise<number> => {
  const { project } = await daemonProject(flags);
  process.stdout.write(`${forwardedAddress(serviceOf(project, service), privatePort, flags.protocol)}\n`);
  return ExitCode.ok;
};
