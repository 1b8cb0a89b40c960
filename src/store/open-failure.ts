// What an operator reads when the state database cannot be opened: which file, what is wrong with it,
// and what to do, instead of SQLite's bare words. Pure (no I/O).
import { dirname, join } from 'node:path';

/** What moving the file aside costs, said wherever that is the advice. */
const WHAT_IS_LOST =
  'Lost with it: the gate history and the samples of the monthly report, overrides, silences made over the API, ' +
  'the audit log, emails still in the outbox and webhook deliveries not yet made; the gate starts halted (STARTING) ' +
  'until the first probes answer. Keep the old file: `sqlite3 FILE .recover` may get rows back.';

/** The advice, on lines of its own: the first line says what is wrong. */
const moveAside = (file: string): string => {
  const aside = join(dirname(file), 'broken');
  return (
    `\nTo start afresh: stop jaga, move the file aside with its -wal and -shm files (mkdir ${aside} && mv ${file}* ${aside}/) ` +
    `and start jaga again: it creates a new, empty database.\n${WHAT_IS_LOST}`
  );
};

/** The message for SQLite's error `code` (e.g. SQLITE_CORRUPT) and `message` when opening `file`. */
export function openFailureMessage(file: string, code: string, message: string): string {
  const said = `(${code}: ${message})`;
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB') {
    return `${file}: the state database is damaged or not a database ${said}.${moveAside(file)}`;
  }
  // A schema step meeting tables it should have created, or missing ones it expects: the schema
  // version stored in the file does not match what the file holds.
  if (code === 'SQLITE_ERROR' && /already exists|no such (table|column|index)|duplicate column/.test(message)) {
    return (
      `${file}: the tables in the state database do not match its schema version (PRAGMA user_version) ${said}: ` +
      `it was changed outside jaga or restored from mismatched parts.${moveAside(file)}`
    );
  }
  if (code === 'SQLITE_CANTOPEN') {
    return `${file}: cannot open the state database ${said}: it must be a regular file that jaga can read and write, in data_dir.`;
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return `${file}: the state database cannot be written ${said}: make the file (and its -wal and -shm files) writable by jaga's user.`;
  }
  if (code === 'SQLITE_FULL') {
    return `${file}: the disk holding the state database is full ${said}: free space on data_dir's filesystem and start jaga again.`;
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return `${file}: the disk reported an I/O error ${said}: check the disk (dmesg, smartctl) before trusting this file.${moveAside(file)}`;
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return `${file}: another program holds the state database ${said} (not a jaga: those take data_dir's lock first): close it (an sqlite3 shell?) and start jaga again.`;
  }
  return `${file}: cannot open the state database ${said}`;
}
