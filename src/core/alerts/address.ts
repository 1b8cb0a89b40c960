// Where jaga writes an email address into a header (recipients, the sender), what it may look like.
// Pure: the config schema refuses a bad one at load (with the file and line), and the email channel
// checks again as the last line before a header is written.

/**
 * A bare ASCII address, nothing else: no name, no second address, no quotes, no control characters.
 * The config schema already checks recipients; this is the last line before a header is written.
 */
export function isPlainAddress(address: string): boolean {
  return (
    address.length <= 254 &&
    /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/.test(
      address,
    )
  );
}

const SENDER_RULE = 'must be one address, optionally with a name ("Jaga Kantor <jaga@dinas.go.id>")';

/**
 * `alerts.smtp.from` as one address with an optional name ("jaga@x" or "Jaga Kantor <jaga@x>"), or
 * null. Anything else (a line break, a second address, a stray bracket) is refused: given to
 * nodemailer as a string it would be parsed, and "a <me@x>\r\nBcc: evil@y" becomes the envelope
 * sender evil@y (bounces, with the message, go there).
 */
function splitSender(text: string): { readonly name: string; readonly address: string } | null {
  const match = /^(?:(?<name>[^<>]*?)\s*<(?<inner>[^<>]*)>|(?<bare>[^<>\s]+))$/u.exec(text.trim());
  const name = (match?.groups?.name ?? '').trim().replace(/^"(.*)"$/su, '$1');
  const address = match?.groups?.inner ?? match?.groups?.bare ?? '';
  // A one-label domain ("jaga@localhost", a local relay) is a fine sender, if not a fine recipient.
  const sender = isPlainAddress(address) || /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(address);
  if (match === null || !sender || /[\p{Cc}\p{Zl}\p{Zp}]/u.test(text.trim()) || name.includes('"')) return null;
  return { name, address };
}

/** Why `text` cannot be the sender, for the config loader (which adds where it is); null when it can. */
export function senderProblem(text: string): string | null {
  return splitSender(text) === null ? `${SENDER_RULE}; got ${JSON.stringify(text.slice(0, 100))}` : null;
}

/** The sender's name and address; throws, naming alerts.smtp.from, when senderProblem would say why. */
export function parseFrom(text: string): { readonly name: string; readonly address: string } {
  const sender = splitSender(text);
  if (sender === null) throw new Error(`alerts.smtp.from: ${senderProblem(text) ?? SENDER_RULE}`);
  return sender;
}
