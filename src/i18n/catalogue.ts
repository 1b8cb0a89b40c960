// The shape every language catalogue fills, and how to pick one. Pure.
import type { Reason, GateStateName } from '../domain/types.js';
import { en } from './en.js';
import { id } from './id.js';

export const LANGUAGES = ['id', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface Catalogue {
  readonly gateState: Record<GateStateName, string>;
  /** One line for operators and stations: what holds the gate, with its numbers. */
  readonly reason: (reason: Reason) => string;
  readonly resumingAt: (when: string) => string;
  readonly cli: {
    readonly configOk: (file: string) => string;
    readonly configInvalid: (file: string) => string;
    readonly probeHeader: readonly [string, string, string, string, string];
    readonly ok: string;
    readonly failed: string;
    readonly gateLine: (state: string) => string;
    readonly noReasons: string;
    readonly unreachable: (url: string, why: string) => string;
    readonly overrideCreated: (id: string, action: string, until: string) => string;
    readonly overrideLifted: (id: string) => string;
    readonly noOverrides: string;
    readonly tokenMissing: string;
    readonly usage: string;
    readonly started: (url: string) => string;
    readonly stopping: string;
  };
}

const catalogues: Record<Language, Catalogue> = { id, en };

export function catalogue(language: Language): Catalogue {
  return catalogues[language];
}

/** Picks a language from `?lang=` first, then an Accept-Language header; Indonesian by default. */
export function pickLanguage(query: unknown, acceptLanguage: string | undefined): Language {
  if (query === 'en' || query === 'id') return query;
  if (acceptLanguage) {
    const ranked = acceptLanguage
      .split(',')
      .map((part) => {
        const [tag = '', q] = part.trim().split(';q=');
        return { tag: tag.trim().toLowerCase().slice(0, 2), q: q === undefined ? 1 : Number(q) };
      })
      .filter((entry) => entry.q > 0)
      .sort((a, b) => b.q - a.q);
    for (const { tag } of ranked) if (tag === 'en' || tag === 'id') return tag;
  }
  return 'id';
}
