// The one schema of jaga's YAML file: every key, its default and its unit. Pure.
// Durations are written "30s"/"4h" and become milliseconds (`...Ms` is implied by the key, the
// parsed value is always ms); sizes are written "10GiB" and become bytes.
import cron from 'node-cron';
import { z } from 'zod';
import { senderProblem } from '../core/alerts/address.js';
import { silenceMatchersProblem } from '../core/alerts/matchers.js';
import { ALERT_NAMES, SEVERITIES } from '../core/alerts/types.js';
import { parseWorkingSpan } from '../core/alerts/forecast-rules.js';
import { shownValue } from './redact.js';
import { cronIntervalMs } from './cron.js';
import { DAY_MS, duration, durationText, HOUR_MS, httpUrl, ipOrCidr, LONGEST, MINUTE_MS, size, TIMEOUT, WAIT } from './fields.js';
import { formatDurationText } from '../core/units.js';
import { compileGlob } from '../core/glob.js';
import { minuteOfDay, WEEKDAYS } from '../core/forecast/calendar.js';

const ratio = (fallback: number) =>
  z.number({ error: 'must be a number between 0 and 1' }).min(0, { error: 'must be between 0 and 1' })
    .max(1, { error: 'must be between 0 and 1' })
    .default(fallback);

const cronSchedule = (fallback: string) =>
  z
    .string()
    .superRefine((expression, ctx) => {
      const result = cron.validateDetailed(expression);
      if (!result.valid) {
        const why = result.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
        ctx.addIssue({ code: 'custom', message: `must be a cron expression (${why})` });
      }
    })
    .default(fallback);

const name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, {
    error: 'must be 1-63 letters, digits, "_", "." or "-", starting with a letter or digit',
  });

const port = z.number().int().min(1, { error: 'must be a port 1-65535' }).max(65535, { error: 'must be a port 1-65535' });

const httpTarget = z.strictObject({
  name,
  type: z.literal('http'),
  url: httpUrl('target'),
  method: z.enum(['GET', 'HEAD']).default('GET'),
  expect_status: z.array(z.number().int().min(100).max(599)).min(1).default([200]),
  body_contains: z.string().min(1).optional(),
  expect_json: z
    .strictObject({
      field: z.string().min(1),
      equals: z.union([z.string(), z.number(), z.boolean(), z.null()]),
    })
    .optional(),
  max_latency: durationText(TIMEOUT).optional(),
  tls_verify: z.boolean().default(true),
  /** A PEM file with the CA that signed the central server's certificate (an office or ministry CA). */
  tls_ca: z.string().min(1).optional(),
  timeout: durationText(TIMEOUT).optional(),
});

const tcpTarget = z.strictObject({
  name,
  type: z.literal('tcp'),
  host: z.string().min(1),
  port,
  max_latency: durationText(TIMEOUT).optional(),
  timeout: durationText(TIMEOUT).optional(),
});

const dnsTarget = z.strictObject({
  name,
  type: z.literal('dns'),
  query: z.string().min(1),
  record_type: z.enum(['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SRV']).default('A'),
  server: z.string().min(1).optional(),
  expect: z.string().min(1).optional(),
  max_latency: durationText(TIMEOUT).optional(),
  timeout: durationText(TIMEOUT).optional(),
});

const target = z.discriminatedUnion('type', [httpTarget, tcpTarget, dnsTarget], {
  error: 'must have type http, tcp or dns',
});

const volume = z
  .strictObject({
    name,
    path: z.string().min(1),
    warn_ratio: ratio(0.85),
    halt_ratio: ratio(0.9),
    resume_ratio: ratio(0.85),
    floor_ratio: ratio(0.95),
    min_free_bytes: size.optional(),
    fill_window: duration('1h', { maxMs: 7 * DAY_MS, positive: true }),
    halt_eta: duration('4h', { maxMs: 30 * DAY_MS }),
    write_probe: z.boolean().default(true),
    require_mount_point: z.boolean().default(false),
  })
  .superRefine((v, ctx) => {
    if (!(v.resume_ratio < v.halt_ratio)) {
      ctx.addIssue({ code: 'custom', path: ['resume_ratio'], message: `must be below halt_ratio (${v.halt_ratio})` });
    }
    if (!(v.halt_ratio < v.floor_ratio)) {
      ctx.addIssue({ code: 'custom', path: ['halt_ratio'], message: `must be below floor_ratio (${v.floor_ratio})` });
    }
    if (v.warn_ratio > v.halt_ratio) {
      ctx.addIssue({ code: 'custom', path: ['warn_ratio'], message: `must not be above halt_ratio (${v.halt_ratio})` });
    }
  });

/** A count of items: a whole number from 0 up to what a double holds exactly. */
const count = z.number({ error: 'must be a whole number' }).int({ error: 'must be a whole number' }).min(0, { error: 'must be 0 or more' })
  .max(Number.MAX_SAFE_INTEGER, { error: `must be at most ${Number.MAX_SAFE_INTEGER}` });

/** A dotted path into a JSON answer: "backlog.items", "queue.0.count". */
const jsonPath = z.string().regex(/^[^.\s]+(\.[^.\s]+)*$/, { error: 'must be a dotted path such as "queue.items"' });

/**
 * What every backlog source shares: its limits (halting is opt-in, one limit at a time), the hysteresis
 * of a halt and whether a source that cannot be read halts.
 */
const backlogCommon = {
  name,
  warn_items: count.optional(),
  halt_items: count.optional(),
  warn_bytes: size.optional(),
  halt_bytes: size.optional(),
  warn_oldest_age: durationText(LONGEST).optional(),
  halt_oldest_age: durationText(LONGEST).optional(),
  /** A halt by a limit clears only once the value is below this fraction of the limit. */
  resume_fraction: z.number({ error: 'must be a number between 0 and 1' }).gt(0, { error: 'must be above 0 and below 1' })
    .lt(1, { error: 'must be above 0 and below 1' }).default(0.8),
  halt_when_unavailable: z.boolean().default(false),
  /** Replaces backlog.timeout for this source. */
  timeout: durationText(TIMEOUT).optional(),
};

/** Backlog sources, and heartbeats, one office may list: each is in every transition's evidence. */
const MAX_DATA_AT_RISK = 50;

/** Most entries (files and directories) a directory scan visits before it gives up (the source is then unavailable, never hung). */
export const MAX_FILES_LIMIT = 100_000_000;

const backlogSource = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      ...backlogCommon,
      type: z.literal('directory'),
      /** The spool: every regular file under it (recursive) is a recording waiting for upload. */
      path: z.string().min(1),
      /** A glob relative to `path` ("**\/*.zip"); the default is every regular file. */
      pattern: z
        .string()
        .min(1)
        .max(500)
        .superRefine((pattern, ctx) => {
          const compiled = compileGlob(pattern);
          if (!compiled.ok) ctx.addIssue({ code: 'custom', message: `must be a glob such as "**/*.zip": this one ${compiled.problem}` });
        })
        .optional(),
      max_files: z.number().int().min(1).max(MAX_FILES_LIMIT, { error: `must be at most ${MAX_FILES_LIMIT}` }).default(1_000_000),
    }),
    z.strictObject({
      ...backlogCommon,
      type: z.literal('http_json'),
      url: httpUrl('backlog'),
      /** Dotted paths into the answer: a count of items, optionally bytes and the oldest item's time. */
      items: jsonPath,
      bytes: jsonPath.optional(),
      oldest: jsonPath.optional(),
      tls_verify: z.boolean().default(true),
    }),
    z.strictObject({
      ...backlogCommon,
      type: z.literal('command'),
      /** Program and arguments, run without a shell; prints an integer or {"items", "bytes", "oldest"}. */
      command: z.array(z.string().min(1)).min(1),
      /** Added to jaga's environment for the command. */
      env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'names are letters, digits and "_"' }), z.string()).default({}),
    }),
  ],
  { error: 'must have type directory, http_json or command' },
);

const timeOfDay = z.string().refine((text) => minuteOfDay(text) !== null, { error: 'must be a time of day HH:MM such as "08:00"' });

/** The office's working week in `time_zone`: forecasts count recording time in it. */
const officeHours = z
  .strictObject({
    days: z
      .array(z.enum(WEEKDAYS, { error: `must be one of ${WEEKDAYS.join(', ')}` }))
      .min(1, { error: 'must list at least one day' })
      .refine((days) => new Set(days).size === days.length, { error: 'lists a day twice' })
      .default(['mon', 'tue', 'wed', 'thu', 'fri']),
    start: timeOfDay.default('08:00'),
    end: timeOfDay.default('16:00'),
    /** Local dates the office is closed ("2026-12-25"). */
    holidays: z.array(z.iso.date({ error: 'must be a date YYYY-MM-DD' })).max(1_000).default([]),
  })
  .superRefine((hours, ctx) => {
    const start = minuteOfDay(hours.start);
    const end = minuteOfDay(hours.end);
    if (start !== null && end !== null && !(end > start)) ctx.addIssue({ code: 'custom', path: ['end'], message: `must be after start (${hours.start})` });
  });

const heartbeat = z.strictObject({
  name,
  /** Late when no ping came for this long since the last one (or since jaga started). */
  grace: durationText(LONGEST),
  /** A late heartbeat halts recording (UPLOAD_STALLED); otherwise it only alerts. */
  halt: z.boolean().default(false),
});

const severity = z.enum(SEVERITIES);

const recipient = z.strictObject({
  name: z.string().trim().min(1).max(100),
  email: z.email({ error: 'must be an email address' }),
  role: z.enum(['department_head', 'operator', 'other']).default('operator'),
  /** Default by role: department heads get critical alerts, everyone else warnings and up. */
  min_severity: severity.optional(),
  language: z.enum(['id', 'en']).optional(),
  alertnames: z.array(z.enum(ALERT_NAMES)).min(1).optional(),
});

export type RecipientConfig = z.infer<typeof recipient>;

const labelMatchers = z
  .record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { error: 'label names are letters, digits and "_"' }), z.string().min(1))
  .refine((m) => Object.keys(m).length > 0, { error: 'must match at least one label' });

const configSilence = z.union(
  [
    z.strictObject({
      match: labelMatchers,
      cron: z.string().superRefine((expression, ctx) => {
        if (expression.trim().split(/\s+/).length !== 5 || !cron.validate(expression)) {
          ctx.addIssue({ code: 'custom', message: 'must be a five-field cron expression (minute hour day month weekday)' });
        }
      }),
      duration: durationText(LONGEST),
      comment: z.string().min(1).max(500),
    }),
    z.strictObject({
      match: labelMatchers,
      starts_at: z.iso.datetime({ offset: true }),
      ends_at: z.iso.datetime({ offset: true }),
      comment: z.string().min(1).max(500),
    }),
  ],
  { error: 'must have match, comment, and either cron + duration or starts_at + ends_at' },
);

const timeZone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { error: 'must be an IANA time zone such as Asia/Jakarta' },
);

const alerts = z
  .strictObject({
    language: z.enum(['id', 'en']).default('id'),
    /** Times in messages; defaults to the top-level time_zone. */
    time_zone: timeZone.optional(),
    group_wait: duration('30s', { maxMs: HOUR_MS }),
    group_interval: duration('5m', { maxMs: DAY_MS, positive: true }),
    repeat_interval: duration('4h', { maxMs: 30 * DAY_MS, positive: true }),
    send_resolved: z.boolean().default(true),
    rules: z
      .strictObject({
        central_unreachable: z.strictObject({ for: duration('0s', WAIT) }).prefault({}),
        central_slow: z.strictObject({ for: duration('5m', WAIT), latency: duration('2s', TIMEOUT) }).prefault({}),
        storage_warning: z.strictObject({ for: duration('5m', WAIT) }).prefault({}),
        storage_critical: z.strictObject({ for: duration('0s', WAIT) }).prefault({}),
        storage_filling: z.strictObject({ for: duration('10m', WAIT), eta: duration('24h', { maxMs: 30 * DAY_MS, positive: true }) }).prefault({}),
        // `within`: working days (3) or working time ("2d", "12h"; a "d" is one working day of office_hours).
        halt_forecast: z
          .strictObject({
            for: duration('0s', WAIT),
            within: z
              .custom<number | string>()
              .transform((value, ctx) => {
                const span = parseWorkingSpan(value);
                if (typeof span !== 'string') return span;
                ctx.addIssue({ code: 'custom', message: `${span} (got ${shownValue(value)})` });
                return z.NEVER;
              })
              .prefault(3),
          })
          .prefault({}),
        recording_halted: z.strictObject({ for: duration('0s', WAIT) }).prefault({}),
        jaga_degraded: z.strictObject({ for: duration('1m', WAIT), outbox_age: duration('15m', { maxMs: 7 * DAY_MS, positive: true }) }).prefault({}),
        // A warn_* line a backlog touches between two uploads is not news; 5m rides that out.
        backlog_warning: z.strictObject({ for: duration('5m', WAIT) }).prefault({}),
        // The gate has already judged it (hysteresis included), like storage_critical.
        backlog_critical: z.strictObject({ for: duration('0s', WAIT) }).prefault({}),
        // The heartbeat's own grace is the wait: once late, no upload has succeeded for that long.
        upload_stalled: z.strictObject({ for: duration('0s', WAIT) }).prefault({}),
        // One read lost to a busy disk or a restarting sync application is not worth an email.
        backlog_source_unavailable: z.strictObject({ for: duration('5m', WAIT) }).prefault({}),
      })
      .prefault({}),
    smtp: z
      .strictObject({
        host: z.string().min(1),
        port: port.default(587),
        /** starttls: plain connection upgraded with STARTTLS, required; implicit: TLS from the first byte (465); none: no TLS. */
        tls: z.enum(['starttls', 'implicit', 'none']).default('starttls'),
        tls_verify: z.boolean().default(true),
        user: z.string().min(1).optional(),
        /** With tls: none a login sends the password as plain text; only this says that is meant. */
        allow_plaintext_auth: z.boolean().default(false),
        from: z.string().superRefine((text, ctx) => {
          const problem = senderProblem(text);
          if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
        }),
        timeout: duration('30s', TIMEOUT),
      })
      .optional(),
    outbox: z
      .strictObject({
        retry_initial: duration('30s', { maxMs: DAY_MS, positive: true }),
        retry_max: duration('15m', { maxMs: DAY_MS, positive: true }),
        max_age: duration('24h', { maxMs: 30 * DAY_MS, positive: true }),
      })
      .prefault({}),
    /** Whom to call, by cause; quoted in the emails' next step. */
    contacts: z
      .strictObject({
        central: z.string().min(1).max(300).optional(),
        uplink: z.string().min(1).max(300).optional(),
        dns: z.string().min(1).max(300).optional(),
        local_it: z.string().min(1).max(300).optional(),
      })
      .prefault({}),
    recipients: z.array(recipient).default([]),
    silences: z.array(configSilence).default([]),
    alertmanager: z
      .strictObject({
        url: httpUrl('alertmanager'),
        timeout: duration('5s', TIMEOUT),
      })
      .optional(),
  })
  .superRefine((a, ctx) => {
    // Here, not in the matcher's own schema: inside the silence union its message would be lost.
    a.silences.forEach((silence, index) => {
      const bad = silenceMatchersProblem(silence.match);
      if (bad !== null) ctx.addIssue({ code: 'custom', path: ['silences', index, 'match', bad.label], message: bad.problem });
    });
    if (a.recipients.length > 0 && a.smtp === undefined) {
      ctx.addIssue({ code: 'custom', path: ['smtp'], message: 'is required when recipients are listed' });
    }
    if (a.smtp?.user !== undefined && a.smtp.tls === 'none' && !a.smtp.allow_plaintext_auth) {
      ctx.addIssue({
        code: 'custom',
        path: ['smtp', 'user'],
        message:
          'with tls: none the password would cross the network as plain text: use tls: starttls or implicit, ' +
          'or set alerts.smtp.allow_plaintext_auth: true if the path to the server is trusted',
      });
    }
    if (a.outbox.retry_initial > a.outbox.retry_max) {
      ctx.addIssue({ code: 'custom', path: ['outbox', 'retry_initial'], message: 'must not be above retry_max' });
    }
  });

/** Text a person reads, in each language; Indonesian is required, English falls back to it. */
const localized = z.strictObject({ id: z.string().trim().min(1).max(2000), en: z.string().trim().min(1).max(2000).optional() });

const statusPage = z.strictObject({
  /** The office as the public knows it, e.g. "Disdukcapil Kota Palangka Raya". */
  office_name: z.string().trim().min(1).max(200).default('Kantor Dinas Kependudukan dan Pencatatan Sipil'),
  /** How often the page reloads itself (no JavaScript: a meta refresh). */
  refresh: duration('30s', { maxMs: DAY_MS }),
  /** Shown whatever the gate says (opening hours, where to queue). */
  notice: localized.optional(),
  /** Shown while recording is halted, e.g. that a temporary certificate is issued meanwhile. */
  notice_halted: localized.optional(),
});

const gateAction = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      type: z.literal('halt_file'),
      /** Exists while halted, absent while allowed: the simplest signal an old recording application can obey. */
      path: z.string().min(1),
    }),
    z.strictObject({
      type: z.literal('webhook'),
      url: httpUrl('webhook'),
      timeout: duration('5s', TIMEOUT),
      /** Give a delivery up after this long (the receiver was down all along). */
      max_age: duration('24h', { maxMs: 30 * DAY_MS, positive: true }),
    }),
    z.strictObject({
      type: z.literal('command'),
      /** Program and arguments, run without a shell; the gate comes in JAGA_GATE_* environment variables. */
      command: z.array(z.string().min(1)).min(1),
      timeout: duration('10s', { maxMs: 10 * MINUTE_MS, positive: true }),
      retries: z.number().int().min(0).max(10).default(3),
    }),
  ],
  { error: 'must have type halt_file, webhook or command' },
);

const uniqueNames = (what: string) => (items: { name: string }[], ctx: z.RefinementCtx) => {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (seen.has(item.name)) {
      ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `${what} name "${item.name}" is used twice` });
    }
    seen.add(item.name);
  });
};

export const configSchema = z
  .strictObject({
    site: name.default('office'),
    /** Times people read (emails, the status page, daily report rows): WIB by default; WITA Asia/Makassar, WIT Asia/Jayapura. */
    time_zone: timeZone.default('Asia/Jakarta'),
    listen: z
      .strictObject({
        host: z.string().min(1).default('127.0.0.1'),
        port: port.default(9469),
        /** Reverse proxies whose X-Forwarded-For/-Proto jaga believes; without one, those headers are ignored. */
        trusted_proxies: z.array(ipOrCidr).default([]),
      })
      .prefault({}),
    data_dir: z.string().min(1).default('./data'),
    log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
    central: z.strictObject({
      schedule: cronSchedule('*/15 * * * * *'),
      timeout: duration('5s', TIMEOUT),
      failure_threshold: z.number().int().min(1).default(3),
      recovery_threshold: z.number().int().min(1).default(3),
      down_when: z.enum(['any', 'all']).default('any'),
      /**
       * Once a target's probe fails (or a down target's succeeds), it is probed again after this long
       * rather than at the next slot, until its status changes or the run ends; the schedule's interval
       * is used where it is shorter.
       */
      retry_interval: duration('2s', TIMEOUT),
      targets: z.array(target).min(1, { error: 'must list at least one target' }).superRefine(uniqueNames('target')),
      reference_targets: z.array(target).default([]).superRefine(uniqueNames('target')),
    }),
    storage: z.strictObject({
      schedule: cronSchedule('*/30 * * * * *'),
      timeout: duration('5s', TIMEOUT),
      volumes: z.array(volume).min(1, { error: 'must list at least one volume' }).superRefine(uniqueNames('volume')),
    }),
    /** What waits for upload in one copy only. */
    backlog: z
      .strictObject({
        schedule: cronSchedule('*/30 * * * * *'),
        timeout: duration('10s', TIMEOUT),
        sources: z.array(backlogSource).max(MAX_DATA_AT_RISK, { error: `must list at most ${MAX_DATA_AT_RISK}` }).default([]).superRefine(uniqueNames('backlog source')),
      })
      .prefault({}),
    office_hours: officeHours.prefault({}),
    heartbeats: z.array(heartbeat).max(MAX_DATA_AT_RISK, { error: `must list at most ${MAX_DATA_AT_RISK}` }).default([]).superRefine(uniqueNames('heartbeat')),
    gate: z
      .strictObject({
        on_central_down: z.enum(['halt', 'buffer']).default('halt'),
        buffer_min_hours: z
          .number()
          .positive()
          .max(LONGEST.maxMs / HOUR_MS, { error: `must be at most ${LONGEST.maxMs / HOUR_MS} (${formatDurationText(LONGEST.maxMs)})` })
          .default(24),
        resume_after: duration('2m', WAIT),
        stale_after_intervals: z.number().int().min(2).default(3),
      })
      .prefault({}),
    /** How people reach jaga from outside (links in emails, generatorURL for Alertmanager). */
    public_url: httpUrl('public').optional(),
    alerts: alerts.optional(),
    status_page: statusPage.prefault({}),
    gate_actions: z.array(gateAction).default([]),
    store: z
      .strictObject({
        sample_retention: duration('35d', LONGEST),
        transition_retention: duration('400d', LONGEST),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    // A probe that outlives its interval makes the next run skip, which doubles detection time.
    if (!cron.validate(config.central.schedule) || !cron.validate(config.storage.schedule)) return;
    const centralIntervalMs = cronIntervalMs(config.central.schedule);
    if (config.central.timeout >= centralIntervalMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['central', 'timeout'],
        message: `must be shorter than the schedule's interval (${centralIntervalMs / 1000}s)`,
      });
    }
    for (const group of ['targets', 'reference_targets'] as const) {
      config.central[group].forEach((t, index) => {
        if (t.timeout !== undefined && t.timeout >= centralIntervalMs) {
          ctx.addIssue({
            code: 'custom',
            path: ['central', group, index, 'timeout'],
            message: `must be shorter than central.schedule's interval (${centralIntervalMs / 1000}s)`,
          });
        }
      });
    }
    const storageIntervalMs = cronIntervalMs(config.storage.schedule);
    if (config.storage.timeout >= storageIntervalMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['storage', 'timeout'],
        message: `must be shorter than the schedule's interval (${storageIntervalMs / 1000}s)`,
      });
    }
    if (cron.validate(config.backlog.schedule)) {
      const backlogIntervalMs = cronIntervalMs(config.backlog.schedule);
      if (config.backlog.timeout >= backlogIntervalMs) {
        ctx.addIssue({ code: 'custom', path: ['backlog', 'timeout'], message: `must be shorter than the schedule's interval (${backlogIntervalMs / 1000}s)` });
      }
      config.backlog.sources.forEach((source, index) => {
        if (source.timeout !== undefined && source.timeout >= backlogIntervalMs) {
          ctx.addIssue({
            code: 'custom',
            path: ['backlog', 'sources', index, 'timeout'],
            message: `must be shorter than backlog.schedule's interval (${backlogIntervalMs / 1000}s)`,
          });
        }
      });
    }
    config.backlog.sources.forEach((source, index) => {
      for (const limit of ['items', 'bytes', 'oldest_age'] as const) {
        const warn = source[`warn_${limit}`];
        const halt = source[`halt_${limit}`];
        if (warn !== undefined && halt !== undefined && warn > halt) {
          ctx.addIssue({ code: 'custom', path: ['backlog', 'sources', index, `warn_${limit}`], message: `must not be above halt_${limit}` });
        }
      }
    });
    const central = new Set(config.central.targets.map((t) => t.name));
    config.central.reference_targets.forEach((t, index) => {
      if (central.has(t.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['central', 'reference_targets', index, 'name'],
          message: `target name "${t.name}" is already used in central.targets`,
        });
      }
    });
  });

/** The YAML file's content as written (durations and sizes as text). */
export type ConfigInput = z.input<typeof configSchema>;
/** The effective configuration: defaults filled in, durations in ms, sizes in bytes. Immutable. */
export type FileConfig = z.output<typeof configSchema>;
export type TargetConfig = FileConfig['central']['targets'][number];
export type HttpTargetConfig = Extract<TargetConfig, { type: 'http' }>;
export type TcpTargetConfig = Extract<TargetConfig, { type: 'tcp' }>;
export type DnsTargetConfig = Extract<TargetConfig, { type: 'dns' }>;
export type VolumeConfig = FileConfig['storage']['volumes'][number];
export type BacklogSourceConfig = FileConfig['backlog']['sources'][number];
export type DirectorySourceConfig = Extract<BacklogSourceConfig, { type: 'directory' }>;
export type HttpJsonSourceConfig = Extract<BacklogSourceConfig, { type: 'http_json' }>;
export type CommandSourceConfig = Extract<BacklogSourceConfig, { type: 'command' }>;
export type HeartbeatConfig = FileConfig['heartbeats'][number];

/** A heartbeat's own token, from JAGA_HEARTBEAT_TOKENS="name=token,...": it may ping that heartbeat only. */
export interface HeartbeatToken {
  readonly heartbeat: string;
  readonly token: string;
}

/** A named admin token, from JAGA_ADMIN_TOKENS="kabid=<secret>,it=<secret>". */
export interface AdminToken {
  readonly name: string;
  readonly token: string;
}

export type AlertsConfig = NonNullable<FileConfig['alerts']>;
export type StatusPageConfig = FileConfig['status_page'];
export type GateActionConfig = FileConfig['gate_actions'][number];
export type LocalizedText = z.output<typeof localized>;
export type SmtpConfig = NonNullable<AlertsConfig['smtp']>;

export interface Config extends FileConfig {
  readonly adminTokens: readonly AdminToken[];
  /** JAGA_HEARTBEAT_TOKENS: per-heartbeat tokens, so an upload script holds no admin power. */
  readonly heartbeatTokens: readonly HeartbeatToken[];
  /** JAGA_SMTP_PASSWORD, when the SMTP server needs a login. */
  readonly smtpPassword: string | null;
  /** JAGA_WEBHOOK_SECRET: the HMAC key of webhook gate actions' signatures. */
  readonly webhookSecret: string | null;
}
