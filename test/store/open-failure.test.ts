// The message for each way opening the state database fails: a table of SQLite codes -> what it says.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openFailureMessage } from '../../src/store/open-failure.js';

const FILE = '/var/lib/jaga/jaga.db';

describe('openFailureMessage', () => {
  const cases: [code: string, message: string, says: RegExp, advisesMovingAside: boolean][] = [
    ['SQLITE_CORRUPT', 'database disk image is malformed', /damaged or not a database \(SQLITE_CORRUPT: database disk image is malformed\)/, true],
    ['SQLITE_NOTADB', 'file is not a database', /damaged or not a database/, true],
    ['SQLITE_ERROR', 'table transitions already exists', /tables in the state database do not match its schema version/, true],
    ['SQLITE_ERROR', 'no such column: bucket', /do not match its schema version/, true],
    ['SQLITE_IOERR_READ', 'disk I/O error', /the disk reported an I\/O error .*check the disk/, true],
    ['SQLITE_CANTOPEN', 'unable to open database file', /cannot open the state database .*must be a regular file/, false],
    ['SQLITE_READONLY', 'attempt to write a readonly database', /cannot be written .*writable/, false],
    ['SQLITE_FULL', 'database or disk is full', /disk .* is full .*free space/, false],
    ['SQLITE_BUSY', 'database is locked', /another program holds the state database/, false],
    ['SQLITE_ERROR', 'something else', /^\/var\/lib\/jaga\/jaga\.db: cannot open the state database \(SQLITE_ERROR: something else\)$/, false],
  ];
  for (const [code, message, says, advisesMovingAside] of cases) {
    it(`${code}: ${message}`, () => {
      const text = openFailureMessage(FILE, code, message);
      assert.ok(text.startsWith(`${FILE}: `), 'names the file first');
      assert.match(text, says);
      assert.equal(text.includes('mkdir /var/lib/jaga/broken && mv /var/lib/jaga/jaga.db* /var/lib/jaga/broken/'), advisesMovingAside);
      assert.equal(/starts halted \(STARTING\)/.test(text), advisesMovingAside, 'what a fresh database means for the gate');
    });
  }
});
