// The one table from a target's config `type` to its prober; the mapped type makes the compiler
// reject a schema variant without a prober (or a prober without a variant). Pure wiring.
import type { TargetConfig } from '../config/schema.js';
import type { ProbeResult } from '../core/types.js';
import { probeDns } from './dns.js';
import { probeHttp } from './http.js';
import type { ProbeContext, TargetProber } from './probe.js';
import { probeTcp } from './tcp.js';

type TargetKind = TargetConfig['type'];

export const targetProbers: { [K in TargetKind]: TargetProber<Extract<TargetConfig, { type: K }>> } = {
  http: probeHttp,
  tcp: probeTcp,
  dns: probeDns,
};

export function runTargetProbe(target: TargetConfig, ctx: ProbeContext): Promise<ProbeResult> {
  // TypeScript cannot correlate `target.type` with the table entry it picks; the table's type above
  // is what guarantees each prober receives its own variant.
  const prober = targetProbers[target.type] as TargetProber<TargetConfig>;
  return prober(target, ctx);
}
