// Structured JSON logs (pino) for machines; a readable form when a person watches the terminal.
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { CONTROL_REPLACEMENT, CONTROLS_BEYOND_C0 } from '../core/text-safety.js';

export async function createLogger(level: string, toTerminal: boolean): Promise<Logger> {
  const options = { level, base: { service: 'jaga' }, redact: ['req.headers.authorization', '*.token', 'adminTokens'] };
  if (!toTerminal) return pino(options);
  // Loaded only for a person at a terminal: a service writing JSON keeps its memory (~2 MiB).
  const { default: pretty } = await import('pino-pretty');
  const terminal = new Writable({
    decodeStrings: false,
    write(line: string, _encoding, done) {
      // Logged remote text (a receiver's answer, a probe detail): pino-pretty escapes ESC itself and
      // colours with it, but passes DEL, C1 and bidi overrides/isolates through.
      process.stdout.write(line.replace(CONTROLS_BEYOND_C0, CONTROL_REPLACEMENT));
      done();
    },
  });
  return pino(options, pretty({ colorize: true, sync: true, destination: terminal }));
}
