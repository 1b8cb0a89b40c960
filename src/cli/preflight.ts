// Checks of a loaded config against this machine, which the schema cannot make: can jaga listen on its
// host, may it own each halt file, is its database off the disks it watches. I/O (a bind, DNS, fs).
import { lookup } from 'node:dns/promises';
import { realpath } from 'node:fs/promises';
import { createServer, isIP } from 'node:net';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { haltFilePathProblem } from '../actions/halt-file.js';
import { listenFailureMessage } from '../config/listen-failure.js';
import type { Config } from '../config/schema.js';

/** A resolver that does not answer must not hold check-config (or a start) for its own timeouts. */
const LOOKUP_DEADLINE_MS = 5_000;

/** Every problem found, each naming its field; empty when jaga can run with this config here. */
export async function preflight(config: Config): Promise<string[]> {
  const problems: string[] = [];
  const listen = await listenHostProblem(config.listen.host, config.listen.port);
  if (listen !== null) problems.push(listen);
  config.gate_actions.forEach((action, index) => {
    if (action.type !== 'halt_file') return;
    const problem = haltFilePathProblem(action.path);
    if (problem !== null) problems.push(`gate_actions[${index}].path: ${problem}`);
  });
  problems.push(...(await dataDirProblems(config)));
  return problems;
}

/**
 * Binds port 0 of the host, as the listener will bind its port: null when that works, otherwise why
 * not, in the listener's own words (the port itself is the listener's to find busy or not).
 */
async function listenHostProblem(host: string, port: number): Promise<string | null> {
  let address = host;
  if (isIP(host) === 0) {
    const resolved = await withDeadline(lookup(host).then(
      (found) => found.address,
      (error: unknown) => listenFailureMessage(host, port, errorCode(error), String(error)),
    ), LOOKUP_DEADLINE_MS, `listen.host: ${host} did not resolve within ${LOOKUP_DEADLINE_MS / 1000} s`);
    if (isIP(resolved) === 0) return resolved;
    address = resolved;
  }
  const shown = address === host ? host : `${host} (${address})`;
  const server = createServer();
  try {
    await new Promise<void>((done, fail) => {
      server.once('error', fail);
      server.listen({ host: address, port: 0, exclusive: true }, done);
    });
    return null;
  } catch (error) {
    return listenFailureMessage(shown, port, errorCode(error), String(error));
  } finally {
    server.close();
  }
}

/**
 * data_dir inside a watched volume's path is refused, not warned about: that directory is the
 * recording application's (its clean-ups and archives go through it), and jaga's database would
 * grow on the very disk whose filling it is there to report. A volume's figures are the same from
 * any directory of its filesystem, so the volume can always be named by the recording directory.
 */
async function dataDirProblems(config: Config): Promise<string[]> {
  const dataDir = await realPathOf(config.data_dir);
  const problems: string[] = [];
  for (const [index, volume] of config.storage.volumes.entries()) {
    const fromVolume = relative(await realPathOf(volume.path), dataDir);
    if (fromVolume === '' || (fromVolume !== '..' && !fromVolume.startsWith('../') && !isAbsolute(fromVolume))) {
      problems.push(
        `data_dir: ${config.data_dir} is inside storage.volumes[${index}].path (${volume.path}), the disk jaga watches; ` +
          'its own database would fill it: put data_dir elsewhere (e.g. /var/lib/jaga)',
      );
    }
  }
  return problems;
}

/** The real path, symbolic links followed, of `path` or of what it will be once created. */
async function realPathOf(path: string): Promise<string> {
  const absolute = resolve(path);
  try {
    return await realpath(absolute);
  } catch {
    const parent = dirname(absolute);
    return parent === absolute ? absolute : resolve(await realPathOf(parent), basename(absolute));
  }
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | null)?.code ?? String(error);
}

async function withDeadline<T>(work: Promise<T>, ms: number, late: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<T>((done) => (timer = setTimeout(() => done(late), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
