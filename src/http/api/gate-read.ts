// GET /api/v1/gate, the answer every recording station reads before each recording: never cached by
// clients, built once per gate version and language. Served straight from Node's request when it is a
// plain read, because express's router costs about three times the answer itself. HTTP I/O.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { pickLanguage, type Language } from '../../i18n/catalogue.js';
import type { Clock } from '../../runtime/clock.js';
import type { Engine } from '../../shell/engine.js';
import { gateView } from '../../views/views.js';
import type { WorkingTime } from '../../core/alerts/forecast-rules.js';

export const GATE_PATH = '/api/v1/gate';

/** The engine's gate itself, not the status snapshot: a station's read must cost no more than this. */
export interface GateReadDeps {
  /** The volumes only when the answer is built anew (once per gate version and language), for the forecast's message. */
  readonly engine: Pick<Engine, 'gate' | 'gateVersion' | 'volumeStates'>;
  readonly resumeAfterMs: number;
  readonly clock: Pick<Clock, 'now'>;
  /** The office's working week and zone: the forecast's message counts working days in them. */
  readonly calendar: WorkingTime;
  readonly timeZone: string;
}

export type GateReader = (req: IncomingMessage, res: ServerResponse) => void;

/** Answers a gate read; the caller has set the security headers. */
export function gateReader(deps: GateReadDeps): GateReader {
  const { engine } = deps;
  const cache = new Map<Language, string>();
  let cachedVersion = -1;
  return (req, res) => {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const query = q === -1 ? {} : parseQuery(url.slice(q + 1));
    res.setHeader('Cache-Control', 'no-store');
    const gate = engine.gate;
    let status = 200;
    let type = 'application/json; charset=utf-8';
    let body: string;
    if (query.format === 'plain') {
      // A shell script cannot compare valid_until; an answer past it is not an answer.
      const allowed = gate.state === 'allowed' && gate.validUntil > deps.clock.now();
      status = allowed ? 200 : 423;
      type = 'text/plain; charset=utf-8';
      body = allowed ? 'ALLOWED\n' : 'HALTED\n';
    } else {
      if (cachedVersion !== engine.gateVersion) {
        cache.clear();
        cachedVersion = engine.gateVersion;
      }
      const language = pickLanguage(query.lang, req.headers['accept-language']);
      body =
        cache.get(language) ??
        JSON.stringify(
          gateView(gate, {
            language,
            internal: false,
            resumeAfterMs: deps.resumeAfterMs,
            forecast: { working: deps.calendar, timeZone: deps.timeZone, volumes: engine.volumeStates },
          }),
        );
      cache.set(language, body);
    }
    res.statusCode = status;
    res.setHeader('Content-Type', type);
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

/** A read express would route to the gate and that needs nothing of express: GET or HEAD, exact path, no body. */
export function isPlainGateRead(req: IncomingMessage): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const url = req.url ?? '';
  const q = url.indexOf('?');
  if ((q === -1 ? url : url.slice(0, q)) !== GATE_PATH) return false;
  return req.headers['transfer-encoding'] === undefined && (req.headers['content-length'] ?? '0') === '0';
}
