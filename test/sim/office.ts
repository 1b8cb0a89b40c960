// The office of the restart and clock-step scenarios: one central target and one volume probed every
// second, thresholds of two, and two e-mail recipients; and how the scenarios count its e-mails. Pure.
import type { ReceivedMail } from '../helpers/smtp-server.js';
import type { World, WorldParts } from './world.js';
import { NO_FILL_RATE_HALT } from '../helpers/config.js';

export const KABID = 'kabid@uji.go.id';
export const OPERATOR = 'ti@uji.go.id';

export const isResolved = (m: ReceivedMail): boolean => /PULIH|RESOLVED/.test(m.subject ?? '');

/** The config: `alerts` adds or replaces keys of `alerts:`. */
export function officeConfig({ central, smtp, volumeDir }: WorldParts, alerts: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    central: { schedule: '* * * * * *', timeout: '500ms', failure_threshold: 2, recovery_threshold: 2, targets: [{ name: 'pusat', type: 'http', url: central.url }] },
    storage: { schedule: '* * * * * *', timeout: '500ms', volumes: [{ name: 'rekaman', path: volumeDir, ...NO_FILL_RATE_HALT }] },
    gate: { resume_after: '1s' },
    alerts: {
      group_wait: '1s',
      group_interval: '2s',
      repeat_interval: '1h',
      smtp: { host: '127.0.0.1', port: smtp.port, tls: 'none', from: 'jaga <jaga@uji.go.id>', timeout: '1s' },
      outbox: { retry_initial: '500ms', retry_max: '4s', max_age: '1d' },
      recipients: [
        { name: 'Kabid', email: KABID, role: 'department_head' },
        { name: 'Operator', email: OPERATOR, role: 'operator' },
      ],
      ...alerts,
    },
  };
}

const haltMails = (w: World, to: string, from: number) => w.smtp.received.slice(from).filter((m) => m.envelopeTo.includes(to) && !isResolved(m));

/** Halt e-mails received by [KABID, OPERATOR] since the `from`-th e-mail. */
export const haltsOf = (w: World, from = 0): number[] => [KABID, OPERATOR].map((to) => haltMails(w, to, from).length);

/** How many probes of `pusat` jaga has counted (its /metrics). */
export async function probesOf(w: World): Promise<number> {
  const text = await (await w.fetch('/metrics')).text();
  return Number(/^jaga_probe_duration_seconds_count\{target="pusat"\} (\d+)$/m.exec(text)?.[1] ?? NaN);
}
