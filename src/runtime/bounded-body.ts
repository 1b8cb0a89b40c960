// Reads at most a given number of bytes of another server's answer and drops the rest, so no receiver,
// central server or look-alike of jaga can make jaga hold more than that. Stream I/O only.

export interface BoundedBody {
  /** The first `limitBytes` bytes of the answer, or all of it when shorter. */
  readonly bytes: Buffer;
  /** False when the answer went on past the limit: the rest was never read. */
  readonly whole: boolean;
}

/**
 * What is read of an answer jaga only quotes in an error (a webhook receiver, Alertmanager), and how
 * much of it is quoted: such a body says nothing jaga acts on, and a receiver answering gigabytes once
 * took jaga to 2.2 GB.
 */
const ANSWER_READ_BYTES = 4_096;
const ANSWER_EXCERPT_CHARS = 200;

/**
 * Reads `body` (undici's body stream or fetch's ReadableStream) until it ends or `limitBytes` are in.
 * Leaving the loop early destroys a Node stream or cancels a web stream, which closes the connection:
 * an endless answer costs one chunk more than the limit, never more.
 */
export async function readAtMost(body: AsyncIterable<Uint8Array>, limitBytes: number): Promise<BoundedBody> {
  const chunks: Buffer[] = [];
  const whole = await eachUpTo(body, limitBytes, (part) => chunks.push(Buffer.from(part.buffer, part.byteOffset, part.byteLength)));
  return { bytes: Buffer.concat(chunks), whole };
}

/**
 * Reads `body` like readAtMost but keeps none of it, for an answer whose arrival matters and whose
 * content does not: each chunk can be collected as soon as it is counted.
 */
export async function drainAtMost(body: AsyncIterable<Uint8Array>, limitBytes: number): Promise<void> {
  await eachUpTo(body, limitBytes, () => undefined);
}

/** The start of an answer jaga only quotes: at most ANSWER_EXCERPT_CHARS characters, marked when cut. */
export async function readAnswerExcerpt(body: AsyncIterable<Uint8Array>): Promise<string> {
  const read = await readAtMost(body, ANSWER_READ_BYTES);
  const text = read.bytes.toString('utf8');
  return text.length > ANSWER_EXCERPT_CHARS || !read.whole ? `${text.slice(0, ANSWER_EXCERPT_CHARS)}…` : text;
}

/** Hands `take` the answer's first `limitBytes` bytes chunk by chunk; true when that was all of it. */
async function eachUpTo(body: AsyncIterable<Uint8Array>, limitBytes: number, take: (part: Uint8Array) => void): Promise<boolean> {
  let size = 0;
  for await (const chunk of body) {
    const room = limitBytes - size;
    if (chunk.byteLength > room) {
      if (room > 0) take(chunk.subarray(0, room));
      return false;
    }
    take(chunk);
    size += chunk.byteLength;
  }
  return true;
}
