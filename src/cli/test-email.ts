// `jaga test-email`: one message through the real path (the same renderer and SMTP transport as
// alerts), to every recipient or to --to, and what the server said. Network I/O.
import { createSmtpMailer } from '../notifiers/email.js';
import type { SendOutcome } from '../outbox/notifier.js';
import { systemClock, type Clock } from '../runtime/clock.js';
import { messageIdFor, renderTestEmail } from '../notifiers/render/render.js';
import type { Config } from '../config/schema.js';
import { catalogue } from '../i18n/catalogue.js';

export type TestEmailResult = SendOutcome & { readonly to: string };

export async function sendTestEmails(config: Config, to: string | undefined, clock: Clock = systemClock): Promise<TestEmailResult[]> {
  const alerts = config.alerts;
  const text = catalogue(alerts?.language ?? 'id');
  if (!alerts?.smtp) throw new Error(text.cli.smtpMissing);
  const recipients =
    to !== undefined
      ? [{ name: to, email: to, language: alerts.language }]
      : alerts.recipients.map((r) => ({ name: r.name, email: r.email, language: r.language ?? alerts.language }));
  if (recipients.length === 0) throw new Error(text.cli.noRecipients);
  const mailer = createSmtpMailer(alerts.smtp, config.smtpPassword, clock);
  try {
    const results: TestEmailResult[] = [];
    for (const recipient of recipients) {
      const now = clock.now();
      const id = `test#${recipient.email}#${now}`;
      const email = renderTestEmail(recipient.name, {
        site: config.site,
        language: recipient.language,
        timeZone: alerts.time_zone ?? config.time_zone,
        publicUrl: config.public_url ?? null,
        contacts: alerts.contacts,
        now,
      });
      const outcome = await mailer.send({
        to: recipient.email,
        toName: recipient.name,
        ...email,
        messageId: messageIdFor(id, config.site),
        notificationId: id,
      });
      results.push({ ...outcome, to: recipient.email });
    }
    return results;
  } finally {
    mailer.close();
  }
}
