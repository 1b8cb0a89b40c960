// The one table from a backlog source's config `type` to its reader; the mapped type makes the compiler
// reject a schema variant without a reader (or a reader without a variant). Pure wiring.
import type { BacklogSourceConfig } from '../../config/schema.js';
import type { BacklogResult } from '../../core/types.js';
import type { ProbeContext } from '../probe.js';
import { readCommandSource } from './command.js';
import { readDirectorySource } from './directory.js';
import { readHttpJsonSource } from './http-json.js';

/** Measures one backlog source. Never throws, never judges, honours `ctx` (deadline and abort). */
export type BacklogReader<S extends BacklogSourceConfig> = (source: S, ctx: ProbeContext) => Promise<BacklogResult>;

type SourceKind = BacklogSourceConfig['type'];

export const backlogReaders: { [K in SourceKind]: BacklogReader<Extract<BacklogSourceConfig, { type: K }>> } = {
  directory: readDirectorySource,
  http_json: readHttpJsonSource,
  command: readCommandSource,
};

export function readBacklogSource(source: BacklogSourceConfig, ctx: ProbeContext): Promise<BacklogResult> {
  // As in probes/registry.ts: the table's type guarantees each reader receives its own variant.
  const reader = backlogReaders[source.type] as BacklogReader<BacklogSourceConfig>;
  return reader(source, ctx);
}
