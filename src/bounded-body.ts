// Reads at most a given number of bytes of another server's answer and drops the rest, so no receiver,
// central server or look-alike of jaga can make jaga hold more than that. Stream I/O only.

export interface BoundedBody {
  /** The first `limitBytes` bytes of the answer, or all of it when shorter. */
  readonly bytes: Buffer;
  /** False when the answer went on past the limit: the rest was never read. */
  readonly whole: boolean;
}

/**
 * Reads `body` (undici's body stream or fetch's ReadableStream) until it ends or `limitBytes` are in.
 * Leaving the loop early destroys a Node stream or cancels a web stream, which closes the connection:
 * an endless answer costs one chunk more than the limit, never more.
 */
export async function readAtMost(body: AsyncIterable<Uint8Array>, limitBytes: number): Promise<BoundedBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const room = limitBytes - size;
    if (chunk.byteLength > room) {
      if (room > 0) chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, room));
      return { bytes: Buffer.concat(chunks, limitBytes), whole: false };
    }
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    size += chunk.byteLength;
  }
  return { bytes: Buffer.concat(chunks, size), whole: true };
}

/** The start of an answer as text for an error message: at most `chars` characters, marked when cut. */
export function answerExcerpt(read: BoundedBody, chars: number): string {
  const text = read.bytes.toString('utf8');
  return text.length > chars || !read.whole ? `${text.slice(0, chars)}…` : text;
}
