// A tiny authoritative UDP DNS server on loopback for tests: A records from a table, NXDOMAIN for
// unknown names, and modes that refuse to help. Does network I/O.
import dgram from 'node:dgram';
import { once } from 'node:events';

/** answer: from the table; silent: drops every query; servfail: answers SERVFAIL to everything. */
export type DnsServerMode = 'answer' | 'silent' | 'servfail';

export interface TestDnsServer {
  /** "127.0.0.1:<port>", as a dns target's `server` takes it. */
  readonly address: string;
  /** Names (lower case) to IPv4 addresses; edit freely between probes. */
  readonly records: Map<string, string[]>;
  mode: DnsServerMode;
  /** Queries received so far, whatever the mode. */
  readonly queries: number;
  close(): Promise<void>;
}

const TYPE_A = 1;
const RCODE = { noError: 0, servFail: 2, nxDomain: 3 } as const;

export async function startDnsServer(records: Record<string, string[]> = {}): Promise<TestDnsServer> {
  const socket = dgram.createSocket('udp4');
  const state = {
    records: new Map(Object.entries(records).map(([name, ips]) => [name.toLowerCase(), ips])),
    mode: 'answer' as DnsServerMode,
    queries: 0,
  };
  socket.on('message', (query, peer) => {
    state.queries++;
    if (state.mode === 'silent') return;
    const reply = answer(query, state.mode, state.records);
    if (reply) socket.send(reply, peer.port, peer.address);
  });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  const { port } = socket.address();
  return {
    address: `127.0.0.1:${port}`,
    records: state.records,
    get mode() {
      return state.mode;
    },
    set mode(mode: DnsServerMode) {
      state.mode = mode;
    },
    get queries() {
      return state.queries;
    },
    async close() {
      socket.close();
      await once(socket, 'close');
    },
  };
}

/** Builds the response to one query, or undefined for a packet too broken to answer. */
function answer(query: Buffer, mode: DnsServerMode, records: Map<string, string[]>): Buffer | undefined {
  const question = parseQuestion(query);
  if (!question) return undefined;
  const ips = records.get(question.name.toLowerCase());
  const rcode = mode === 'servfail' ? RCODE.servFail : ips === undefined ? RCODE.nxDomain : RCODE.noError;
  // Known name, other type: NOERROR with no answers (NODATA).
  const answers = rcode === RCODE.noError && question.type === TYPE_A ? (ips ?? []) : [];

  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0); // id
  const recursionDesired = query.readUInt8(2) & 0x01;
  header.writeUInt8(0x84 | recursionDesired, 2); // QR, AA, RD copied
  header.writeUInt8(0x80 | rcode, 3); // RA, rcode
  header.writeUInt16BE(1, 4); // one question
  header.writeUInt16BE(answers.length, 6);
  const records_ = answers.map((ip) => {
    const rr = Buffer.alloc(16);
    rr.writeUInt16BE(0xc00c, 0); // name: pointer to the question
    rr.writeUInt16BE(TYPE_A, 2);
    rr.writeUInt16BE(1, 4); // class IN
    rr.writeUInt32BE(60, 6); // ttl
    rr.writeUInt16BE(4, 10);
    ip.split('.').forEach((octet, i) => rr.writeUInt8(Number(octet), 12 + i));
    return rr;
  });
  return Buffer.concat([header, query.subarray(12, question.end), ...records_]);
}

function parseQuestion(query: Buffer): { name: string; type: number; end: number } | undefined {
  if (query.length < 12 || query.readUInt16BE(4) < 1) return undefined;
  const labels: string[] = [];
  let offset = 12;
  for (;;) {
    if (offset >= query.length) return undefined;
    const length = query.readUInt8(offset);
    offset++;
    if (length === 0) break;
    if (length > 63 || offset + length > query.length) return undefined;
    labels.push(query.toString('latin1', offset, offset + length));
    offset += length;
  }
  if (offset + 4 > query.length) return undefined;
  return { name: labels.join('.'), type: query.readUInt16BE(offset), end: offset + 4 };
}
