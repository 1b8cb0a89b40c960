// How much one list answer (history, audit) may hold: pages bounded in bytes as well as in count,
// and an item's bulky field (evidence, detail) given by its size past a bound. Pure.

/** A page stops before the item that would take it past this; its cursor says where to go on. */
export const PAGE_BYTES = 1_048_576;
/** An item longer than this as JSON gives its bulky field as `{"truncated": true, "bytes": n}`. */
export const ITEM_BYTES = 16_384;

/** `item` as JSON, its `field` replaced by its size when the whole is longer than ITEM_BYTES. */
export function boundedJson(item: Readonly<Record<string, unknown>>, field: string): string {
  const text = JSON.stringify(item);
  if (Buffer.byteLength(text) <= ITEM_BYTES || item[field] === undefined) return text;
  return JSON.stringify({ ...item, [field]: { truncated: true, bytes: Buffer.byteLength(JSON.stringify(item[field])) } });
}

/** Items' JSON gathered up to PAGE_BYTES; the first one always fits, so a reader can always go on. */
export class JsonPage {
  readonly items: string[] = [];
  private bytes = 0;

  /** Adds `json` and says true, or says false when it would take the page past PAGE_BYTES. */
  add(json: string): boolean {
    const size = Buffer.byteLength(json) + 1;
    if (this.items.length > 0 && this.bytes + size > PAGE_BYTES) return false;
    this.items.push(json);
    this.bytes += size;
    return true;
  }

  get json(): string {
    return `[${this.items.join(',')}]`;
  }
}
