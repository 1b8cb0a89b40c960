// Structured JSON logs (pino) for machines; a readable form when a person watches the terminal.
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export function createLogger(level: string, toTerminal: boolean): Logger {
  const options = { level, base: { service: 'jaga' }, redact: ['req.headers.authorization', '*.token', 'adminTokens'] };
  return toTerminal ? pino(options, pretty({ colorize: true, sync: true })) : pino(options);
}
