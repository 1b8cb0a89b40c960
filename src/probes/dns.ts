// Probes a DNS name with a fresh resolver per probe (no cached answers or failures), optionally
// against a given server, and checks the answer. Does network I/O.
import { promises as dns } from 'node:dns';
import net from 'node:net';
import type { DnsTargetConfig } from '../config/schema.js';
import type { TargetFailure } from '../core/types.js';
import { describeError, errorCode, measureProbe, since, type TargetProber } from './probe.js';

/** c-ares error codes and the DNS outcome they stand for, so details name the rcode. */
const RCODE_BY_CODE: Readonly<Record<string, string>> = {
  ENOTFOUND: 'NXDOMAIN',
  ENODATA: 'NODATA',
  ESERVFAIL: 'SERVFAIL',
  EREFUSED: 'REFUSED',
  EFORMERR: 'FORMERR',
  ENOTIMP: 'NOTIMP',
};

export const probeDns: TargetProber<DnsTargetConfig> = (target, ctx) =>
  measureProbe(ctx, target.max_latency, async (cancellation, trace) => {
    const question = `${target.query} ${target.record_type}${target.server !== undefined ? ` @${target.server}` : ''}`;
    trace.stage = 'dns';
    const started = performance.now();
    try {
      const resolver = new dns.Resolver({ timeout: Math.ceil(ctx.timeoutMs), tries: 1 });
      cancellation.onCancel(() => resolver.cancel());
      if (target.server !== undefined) resolver.setServers([await serverAddress(target.server)]);
      const answers = await resolveAnswers(resolver, target.query, target.record_type);
      trace.phases.dns = since(started);
      const shown = answers.join(', ');
      if (target.expect !== undefined && !answers.some((answer) => answer.includes(target.expect ?? ''))) {
        return { ok: false, failure: 'body', detail: `${question}: no answer contains ${JSON.stringify(target.expect)} (got ${shown})` };
      }
      return { ok: true, detail: `${question}: ${shown}` };
    } catch (error) {
      // How long DNS took to say no is worth seeing too.
      trace.phases.dns = since(started);
      const code = errorCode(error);
      const rcode = code === undefined ? undefined : RCODE_BY_CODE[code];
      const detail = `${question}: ${rcode !== undefined ? `${rcode} (${code})` : describeError(error)}`;
      return { ok: false, failure: dnsFailure(code), detail };
    }
  });

function dnsFailure(code: string | undefined): TargetFailure {
  // Every c-ares code (NXDOMAIN, SERVFAIL, no server answering in time (ETIMEOUT), a malformed answer)
  // is DNS failing us, and the gate's cause must say so; Node's own ERR_* codes are mistakes on our side.
  return code !== undefined && !code.startsWith('ERR_') ? 'dns' : 'error';
}

/** Answers as text, so `expect` is a plain substring match whatever the record type. */
async function resolveAnswers(
  resolver: dns.Resolver,
  query: string,
  type: DnsTargetConfig['record_type'],
): Promise<string[]> {
  switch (type) {
    case 'A':
      return resolver.resolve4(query);
    case 'AAAA':
      return resolver.resolve6(query);
    case 'CNAME':
      return resolver.resolveCname(query);
    case 'NS':
      return resolver.resolveNs(query);
    case 'MX':
      return (await resolver.resolveMx(query)).map((mx) => `${mx.priority} ${mx.exchange}`);
    case 'TXT':
      return (await resolver.resolveTxt(query)).map((parts) => parts.join(''));
    case 'SRV':
      return (await resolver.resolveSrv(query)).map((srv) => `${srv.priority} ${srv.weight} ${srv.port} ${srv.name}`);
  }
}

/** "10.0.0.53", "10.0.0.53:5353", "[::1]:53" or a host name (resolved once through the system). */
async function serverAddress(server: string): Promise<string> {
  if (net.isIP(server) !== 0) return server;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(server);
  const hostPort = /^([^:]+):(\d+)$/.exec(server);
  const host = bracketed?.[1] ?? hostPort?.[1] ?? server;
  const port = bracketed?.[2] ?? hostPort?.[2];
  const address = net.isIP(host) !== 0 ? host : (await dns.lookup(host)).address;
  if (port === undefined) return address;
  return net.isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
}
