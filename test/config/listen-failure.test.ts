// The message for each way the listener fails to start: a table of system codes -> the key it names.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listenFailureMessage } from '../../src/config/listen-failure.js';

describe('listenFailureMessage', () => {
  const cases: [host: string, port: number, code: string | undefined, expected: string][] = [
    ['127.0.0.1', 9469, 'EADDRINUSE', 'listen.port: 9469 is already in use on 127.0.0.1 (EADDRINUSE)'],
    ['0.0.0.0', 80, 'EACCES', 'listen.port: no permission to listen on port 80 on 0.0.0.0 (EACCES)'],
    ['10.9.9.9', 9469, 'EADDRNOTAVAIL', 'listen.host: 10.9.9.9 is not an address of this machine (EADDRNOTAVAIL)'],
    ['::1', 9469, 'EAFNOSUPPORT', 'listen.host: cannot listen on ::1 (EAFNOSUPPORT)'],
    ['jaga.kantor.lan', 9469, 'ENOTFOUND', 'listen.host: jaga.kantor.lan does not resolve to an address (ENOTFOUND)'],
    ['127.0.0.1', 9469, 'EMFILE', 'listen.host, listen.port: cannot listen on 127.0.0.1 port 9469 (EMFILE: too many open files)'],
  ];
  for (const [host, port, code, expected] of cases) {
    it(`${code ?? 'no code'} on ${host}:${port}`, () => {
      assert.ok(listenFailureMessage(host, port, code, 'too many open files').startsWith(expected));
    });
  }
});
