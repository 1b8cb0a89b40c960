// The parts of undici jaga uses, loaded without the package's index. The index loads all of undici
// (fetch, WebSocket, EventSource, caches, mocks, proxies): 3 MB more live heap, and about 5 MiB more
// RSS with 1,000 targets, for nothing jaga calls. undici has no exports map and its version is pinned
// in package.json; the HTTP probe, webhook and Alertmanager tests go through these paths.
import { createRequire } from 'node:module';
import type { Agent as UndiciAgent, Client as UndiciClient, Dispatcher } from 'undici';

const require = createRequire(import.meta.url);

export const Client = require('undici/lib/dispatcher/client.js') as typeof UndiciClient;
export type Client = UndiciClient;
export const Agent = require('undici/lib/dispatcher/agent.js') as typeof UndiciAgent;

const api = require('undici/lib/api/index.js') as {
  request(this: Dispatcher, options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData>;
};
const { getGlobalDispatcher } = require('undici/lib/global.js') as { getGlobalDispatcher(): Dispatcher };

/** undici's request(): a dispatcher's request method, which the package's index adds to Dispatcher. */
export function request(options: Dispatcher.RequestOptions, dispatcher: Dispatcher = getGlobalDispatcher()): Promise<Dispatcher.ResponseData> {
  return api.request.call(dispatcher, options);
}

/** The origin and the path (with the query) of a URL, as request() takes them. */
export function originAndPath(url: URL): { origin: string; path: string } {
  return { origin: url.origin, path: `${url.pathname}${url.search}` };
}
