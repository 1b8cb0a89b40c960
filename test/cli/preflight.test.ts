import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { haltFilePathProblem } from '../../src/actions/halt-file.js';
import { parseConfig } from '../../src/config/load.js';
import { preflight } from '../../src/cli/preflight.js';

const dir = mkdtempSync(join(tmpdir(), 'jaga-preflight-'));
const recordings = join(dir, 'rekaman');
mkdirSync(recordings);
after(() => rmSync(dir, { recursive: true, force: true }));

/** A valid config with its volume on `recordings` and jaga's state beside it, plus `extra`. */
function configWith(extra: Record<string, unknown>) {
  const text = stringify({
    data_dir: join(dir, 'jaga-state'),
    central: { targets: [{ name: 'pusat', type: 'tcp', host: '127.0.0.1', port: 1 }] },
    storage: { volumes: [{ name: 'rekaman', path: recordings }] },
    ...extra,
  });
  return parseConfig(text, 'jaga.yaml', {});
}

test('the bundled example passes: its data_dir is off the volume it watches', async () => {
  const example = parseConfig(readFileSync(new URL('../../jaga.example.yaml', import.meta.url), 'utf8'), 'jaga.example.yaml', {});
  assert.deepEqual(await preflight(example), []);
});

describe('listen.host must be an address jaga can listen on here', () => {
  for (const host of ['127.0.0.1', '0.0.0.0', 'localhost']) {
    test(`${host} passes`, async () => assert.deepEqual(await preflight(configWith({ listen: { host } })), []));
  }
  test('an address of another machine is refused', async () => {
    // 192.0.2.0/24 is TEST-NET-1: documentation only, assigned to no machine.
    assert.deepEqual(await preflight(configWith({ listen: { host: '192.0.2.1' } })), ['listen.host: 192.0.2.1 is not an address of this machine (EADDRNOTAVAIL)']);
  });
  test('a name that does not resolve is refused', async () => {
    const [problem, ...rest] = await preflight(configWith({ listen: { host: 'jaga-test.invalid' } }));
    assert.match(problem ?? '', /^listen\.host: jaga-test\.invalid does not resolve to an address \((ENOTFOUND|EAI_AGAIN|EAI_NONAME)\)$/);
    assert.deepEqual(rest, []);
  });
});

test('a halt_file path that holds something else is refused, naming its gate action', async () => {
  const foreign = join(dir, 'rekam.conf');
  writeFileSync(foreign, 'server=pusat\n');
  const problem = haltFilePathProblem(foreign);
  assert.ok(problem !== null, 'halt-file.ts refuses a file it did not write');
  const config = configWith({ gate_actions: [{ type: 'halt_file', path: join(dir, 'HALT') }, { type: 'halt_file', path: foreign }] });
  assert.deepEqual(await preflight(config), [`gate_actions[1].path: ${problem}`]);
});

describe('data_dir must not be inside a watched volume', () => {
  const inside = (dataDir: string) =>
    `data_dir: ${dataDir} is inside storage.volumes[0].path (${recordings}), the disk jaga watches; its own database would fill it: put data_dir elsewhere (e.g. /var/lib/jaga)`;
  test('the volume itself', async () => {
    assert.deepEqual(await preflight(configWith({ data_dir: recordings })), [inside(recordings)]);
  });
  test('a directory below it, not created yet', async () => {
    const dataDir = join(recordings, 'jaga', 'state');
    assert.deepEqual(await preflight(configWith({ data_dir: dataDir })), [inside(dataDir)]);
  });
  test('a symbolic link that leads into it', async () => {
    const link = join(dir, 'state-link');
    symlinkSync(recordings, link);
    assert.deepEqual(await preflight(configWith({ data_dir: join(link, 'jaga') })), [inside(join(link, 'jaga'))]);
  });
  test('a sibling whose name starts like it is fine', async () => {
    assert.deepEqual(await preflight(configWith({ data_dir: `${recordings}-jaga` })), []);
  });
});
