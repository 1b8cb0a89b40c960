// Structured JSON logs (pino) for machines; a readable form when a person watches the terminal.
import { pino, type Logger } from 'pino';

export async function createLogger(level: string, toTerminal: boolean): Promise<Logger> {
  const options = { level, base: { service: 'jaga' }, redact: ['req.headers.authorization', '*.token', 'adminTokens'] };
  if (!toTerminal) return pino(options);
  // Loaded only for a person at a terminal: a service writing JSON keeps its memory (~2 MiB).
  const { default: pretty } = await import('pino-pretty');
  return pino(options, pretty({ colorize: true, sync: true }));
}
