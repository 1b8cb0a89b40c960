// The `jaga` command: argv -> command, human output and exit codes. No business logic here.
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { ConfigError, loadConfigFile, maskedConfig } from '../config/load.js';
import { preflight } from './preflight.js';
import type { Config } from '../config/schema.js';
import { catalogue, type Catalogue, type Language } from '../i18n/catalogue.js';
import { createLogger } from '../runtime/logger.js';
import { startService } from '../main.js';
import { remoteCommand } from './remote.js';
import { runProbeRound, renderProbeTable } from './probe-round.js';
import { sendTestEmails } from './test-email.js';
import { backtest } from './backtest.js';
import { stripControlsKeepingLines } from '../runtime/text-lines.js';

const EXIT_ALLOWED = 0;
const EXIT_HALTED = 1;
const EXIT_ERROR = 2;

interface Io {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

// The one output boundary: text from a running jaga, a config or a probed server reaches the
// terminal without escape sequences or bidi overrides (a reason could clear the screen and fake a line).
const processIo: Io = {
  out: (line) => process.stdout.write(`${stripControlsKeepingLines(line)}\n`),
  err: (line) => process.stderr.write(`${stripControlsKeepingLines(line)}\n`),
};

export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv, io: Io = processIo): Promise<number> {
  let parsed;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${catalogue('id').cli.usage}`);
    return EXIT_ERROR;
  }
  const { values, positionals } = parsed;

  const language: Language = values.lang === 'en' ? 'en' : 'id';
  const text = catalogue(language);
  const [command, ...rest] = positionals;
  const configFile = values.config ?? env.JAGA_CONFIG ?? 'jaga.yaml';
  if (values.help || command === undefined || command === 'help') {
    io.out(text.cli.usage);
    return command === undefined && !values.help ? EXIT_ERROR : EXIT_ALLOWED;
  }

  const load = (): Config => loadConfigFile(configFile, {
      JAGA_ADMIN_TOKENS: env.JAGA_ADMIN_TOKENS,
      JAGA_SMTP_PASSWORD: env.JAGA_SMTP_PASSWORD,
      JAGA_WEBHOOK_SECRET: env.JAGA_WEBHOOK_SECRET,
      JAGA_HEARTBEAT_TOKENS: env.JAGA_HEARTBEAT_TOKENS,
    });
  /** The config, also checked against this machine (preflight only reads: nothing is created yet). */
  const loadForThisMachine = async (): Promise<Config> => {
    const config = load();
    const problems = await preflight(config);
    if (problems.length > 0) throw new ConfigError(configFile, problems);
    return config;
  };
  try {
    switch (command) {
      case 'start':
        return await start(await loadForThisMachine(), text, io);
      case 'check-config': {
        const config = await loadForThisMachine();
        io.out(text.cli.configOk(configFile));
        io.out(stringify(maskedConfig(config)));
        return EXIT_ALLOWED;
      }
      case 'probe': {
        const round = await runProbeRound(load());
        if (values.json) io.out(JSON.stringify(round, null, 2));
        else io.out(renderProbeTable(round, text));
        return round.gate.state === 'allowed' ? EXIT_ALLOWED : EXIT_HALTED;
      }
      case 'test-email': {
        const results = await sendTestEmails(load(), values.to);
        for (const result of results) {
          if (result.outcome === 'accepted') io.out(text.cli.testEmailAccepted(result.to, result.response));
          else io.err(text.cli.testEmailRefused(result.to, result.outcome === 'permanent', result.error));
        }
        return results.length > 0 && results.every((r) => r.outcome === 'accepted') ? EXIT_ALLOWED : EXIT_HALTED;
      }
      case 'backtest':
        return await backtest(load(), { timeline: values.timeline, fromDb: values['from-db'], since: values.since, json: values.json }, text, io, Date.now());
      case 'status':
      case 'override':
      case 'silence':
      case 'report':
      case 'history': {
        return await remoteCommand(command, rest, { values, env, text, io, baseUrl: () => baseUrl(values.url, load) });
      }
      default:
        io.err(text.cli.usage);
        return EXIT_ERROR;
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(text.cli.configInvalid(error.file));
      for (const problem of error.problems) io.err(`  - ${problem}`);
      return EXIT_ERROR;
    }
    io.err(error instanceof Error ? error.message : String(error));
    return EXIT_ERROR;
  }
}

function parseOptions(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string', short: 'c' },
      lang: { type: 'string' },
      url: { type: 'string' },
      reason: { type: 'string' },
      for: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      match: { type: 'string', multiple: true },
      comment: { type: 'string' },
      to: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      csv: { type: 'boolean' },
      timeline: { type: 'string' },
      'from-db': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

export type CliOptions = ReturnType<typeof parseOptions>['values'];

function baseUrl(explicit: string | undefined, load: () => Config): string {
  if (explicit) return explicit.replace(/\/+$/, '');
  const { host, port } = load().listen;
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  return `http://${reachable}:${port}`;
}

/** stdout carries the log alone (JSON lines for a machine): what a person reads goes to stderr. */
async function start(config: Config, text: Catalogue, io: Io): Promise<number> {
  const logger = await createLogger(config.log_level, process.stdout.isTTY === true);
  const service = await startService(config, logger);
  io.err(text.cli.started(service.url));
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'stopping');
      io.err(text.cli.stopping);
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      void service.stop().then(resolve);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  return EXIT_ALLOWED;
}
