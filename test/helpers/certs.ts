// Test PKI made on the spot with the openssl CLI: a CA, leaves it signs (valid or expired) and
// self-signed leaves. Does file and process I/O in its own temporary directory.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface KeyPair {
  readonly key: string;
  readonly cert: string;
}

export interface Validity {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export interface TestPki {
  /** The CA certificate file, e.g. for NODE_EXTRA_CA_CERTS. */
  readonly caPath: string;
  readonly ca: KeyPair;
  /** A leaf signed by the CA; `names` become SANs ("localhost" -> DNS, "127.0.0.1" -> IP). */
  issue(names: readonly string[], validity?: Validity): KeyPair;
  /** A leaf that signs itself, trusted by nobody. */
  selfSigned(names: readonly string[]): KeyPair;
  remove(): void;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Any time range; for an expired certificate pass one that ended in the past. */
export function validFor(notBefore: Date, notAfter: Date): Validity {
  return { notBefore, notAfter };
}

export function createTestPki(): TestPki {
  const dir = mkdtempSync(path.join(tmpdir(), 'jaga-pki-'));
  const file = (name: string) => path.join(dir, name);
  // Our own minimal configs, so the distribution's openssl.cnf cannot change the outcome.
  writeFileSync(file('req.cnf'), '[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = placeholder\n');
  writeFileSync(
    file('ca.cnf'),
    [
      '[ca]',
      'default_ca = test_ca',
      '[test_ca]',
      `database = ${file('index.txt')}`,
      `new_certs_dir = ${dir}`,
      `serial = ${file('serial')}`,
      'default_md = sha256',
      'policy = policy_any',
      'copy_extensions = copy',
      'unique_subject = no',
      '[policy_any]',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  writeFileSync(file('index.txt'), '');
  writeFileSync(file('serial'), '01\n');
  let counter = 0;

  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const san = (names: readonly string[]) =>
    `subjectAltName=${names.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',')}`;
  const read = (name: string): KeyPair => ({ key: readFileSync(file(`${name}.key`), 'utf8'), cert: readFileSync(file(`${name}.pem`), 'utf8') });

  openssl('req', '-config', 'req.cnf', '-x509', ...newKey, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2',
    '-subj', '/CN=jaga-test-ca', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  const ca = read('ca');

  return {
    caPath: file('ca.pem'),
    ca,
    issue(names, validity = validFor(new Date(Date.now() - DAY_MS), new Date(Date.now() + DAY_MS))) {
      const name = `leaf${++counter}`;
      openssl('req', '-config', 'req.cnf', '-new', ...newKey, '-keyout', `${name}.key`, '-out', `${name}.csr`,
        '-subj', `/CN=${names[0] ?? 'leaf'}`, '-addext', san(names), '-addext', 'basicConstraints=CA:FALSE');
      // `openssl ca` because OpenSSL 3.0's x509 cannot set a start date, and an expired leaf needs one.
      openssl('ca', '-config', 'ca.cnf', '-batch', '-notext', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-in', `${name}.csr`,
        '-out', `${name}.pem`, '-startdate', opensslTime(validity.notBefore), '-enddate', opensslTime(validity.notAfter));
      return read(name);
    },
    selfSigned(names) {
      const name = `self${++counter}`;
      openssl('req', '-config', 'req.cnf', '-x509', ...newKey, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2',
        '-subj', `/CN=${names[0] ?? 'self'}`, '-addext', san(names));
      return read(name);
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** YYYYMMDDHHMMSSZ, the form `openssl ca -startdate/-enddate` takes. */
function opensslTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace(/[-T:]/g, '')}Z`;
}
