// docker-compose.yml, Dockerfile and deploy/, checked offline (no Docker engine here): the compose file
// passes `docker-compose config`, every service has a healthcheck and every mounted file exists, the
// container configs pass their own tools, and the Dockerfile builds the way the README and package.json do.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { BIN } from '../helpers/jaga-process.js';
import { readRules, ROOT } from './promql.js';
import { runTool } from './run-tool.js';

interface Service {
  build?: string;
  image?: string;
  command?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}
const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const services = Object.entries(compose.services);
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; engines: { node: string }; scripts: Record<string, string> };

/** A service's bind mounts (`./host/path:/container/path[:ro]`) as [host path from the repo root, container path]. */
const bindMounts = (service: Service): [string, string][] =>
  (service.volumes ?? [])
    .filter((v) => v.startsWith('./'))
    .map((v) => {
      const [source, target] = v.split(':');
      return [relative(ROOT, join(ROOT, source as string)), target as string];
    });

describe('docker-compose.yml', () => {
  test('docker-compose config -q accepts it', () => {
    const run = runTool('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q']);
    assert.equal(run.status, 0, run.output);
  });

  test('the stack: jaga built from the Dockerfile, Prometheus, Alertmanager, Grafana, Mailpit', () => {
    for (const name of ['jaga', 'prometheus', 'alertmanager', 'grafana', 'mailpit']) assert.ok(name in compose.services, name);
    assert.equal(compose.services.jaga?.build, '.');
  });

  for (const [name, service] of services) {
    test(`${name}: has a healthcheck, and every file it mounts exists`, () => {
      assert.ok((service.healthcheck?.test.length ?? 0) > 1, `${name} has no healthcheck`);
      for (const [source] of bindMounts(service)) assert.ok(existsSync(join(ROOT, source)), `${name} mounts ${source}, which does not exist`);
      for (const dependency of Object.keys(service.depends_on ?? {})) assert.ok(dependency in compose.services, `${name} depends on ${dependency}`);
    });
  }

  test('jaga gets its config where the Dockerfile\'s CMD reads it, and its data where deploy/jaga.yaml keeps it', () => {
    const mounts = compose.services.jaga?.volumes ?? [];
    assert.ok(mounts.includes('./deploy/jaga.yaml:/etc/jaga/jaga.yaml:ro'), mounts.join(' '));
    const config = parse(readFileSync(join(ROOT, 'deploy/jaga.yaml'), 'utf8')) as { data_dir: string; storage: { volumes: { path: string }[] }; listen: { host: string } };
    const targets = mounts.map((m) => m.split(':')[1]);
    assert.ok(targets.includes(config.data_dir), `data_dir ${config.data_dir} is not a volume`);
    for (const volume of config.storage.volumes) assert.ok(targets.includes(volume.path), `${volume.path} is not a volume`);
    assert.equal(config.listen.host, '0.0.0.0', 'Prometheus reaches jaga from another container');
  });
});

describe('deploy/', () => {
  test('deploy/jaga.yaml passes jaga check-config', () => {
    const run = runTool(process.execPath, [BIN, 'check-config', '--config', 'deploy/jaga.yaml']);
    assert.equal(run.status, 0, run.output);
  });

  test('deploy/prometheus.yml passes promtool check config, with the files laid out as compose mounts them', () => {
    // Rebuild the container's /etc/prometheus from the compose mounts, so relative rule_files resolve as they will there.
    const root = mkdtempSync(join(tmpdir(), 'jaga-prom-config-'));
    try {
      for (const [source, target] of bindMounts(compose.services.prometheus ?? {})) {
        mkdirSync(dirname(join(root, target)), { recursive: true });
        symlinkSync(join(ROOT, source), join(root, target));
      }
      const run = runTool('promtool', ['check', 'config', join(root, 'etc/prometheus/prometheus.yml')]);
      assert.equal(run.status, 0, run.output);
      assert.match(run.output, /SUCCESS: 1 rule files found/, run.output);
      const count = readRules('alerts/jaga.rules.yml').groups.reduce((sum, g) => sum + g.rules.length, 0);
      assert.ok(count >= 12, `only ${count} rules in alerts/jaga.rules.yml`);
      assert.match(run.output, new RegExp(`SUCCESS: ${count} rules found`), run.output);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('Prometheus scrapes the compose jaga as job "jaga" with a site label, and alerts the compose Alertmanager', () => {
    const config = parse(readFileSync(join(ROOT, 'deploy/prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string; static_configs: { targets: string[]; labels: Record<string, string> }[] }[];
      alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
    };
    const job = config.scrape_configs.find((j) => j.job_name === 'jaga');
    assert.deepEqual(job?.static_configs[0]?.targets, ['jaga:9469']);
    assert.ok(job?.static_configs[0]?.labels.site);
    assert.deepEqual(config.alerting.alertmanagers[0]?.static_configs[0]?.targets, ['alertmanager:9093']);
  });

  test('deploy/demo-central.mjs answers /health, and POST /outage turns it to 503', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'deploy/demo-central.mjs'), '0', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [chunk] = (await once(child.stdout, 'data', { signal: AbortSignal.timeout(5_000) })) as [Buffer];
      const url = /http:\/\/\S+:(\d+)/.exec(chunk.toString());
      const base = `http://127.0.0.1:${url?.[1]}`;
      const ok = await fetch(`${base}/health`);
      assert.equal(ok.status, 200);
      assert.deepEqual(await ok.json(), { status: 'ok' });
      assert.equal((await fetch(`${base}/outage`, { method: 'POST' })).status, 200);
      assert.equal((await fetch(`${base}/health`)).status, 503);
    } finally {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    }
    // jaga's demo config probes it where compose runs it.
    const config = readFileSync(join(ROOT, 'deploy/jaga.yaml'), 'utf8');
    assert.match(config, /url: http:\/\/demo-central:9470\/health/);
    assert.deepEqual(compose.services['demo-central']?.command, ['node', '/demo/demo-central.mjs', '9470', '0.0.0.0']);
  });
});

describe('Dockerfile', () => {
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const runs = instructions.filter((l) => l.startsWith('RUN ')).join('\n');

  test('Node major version as package.json engines, Debian bookworm slim, a separate build stage', () => {
    const major = /(\d+)/.exec(pkg.engines.node)?.[1];
    const froms = instructions.filter((l) => l.startsWith('FROM '));
    assert.equal(froms.length, 2, froms.join('\n'));
    for (const from of froms) assert.match(from, new RegExp(`^FROM node:${major}-bookworm-slim\\b`));
    assert.match(froms[0] ?? '', / AS build$/);
    assert.match(runs, /apt-get install .*python3 .*make .*g\+\+/, 'better-sqlite3 may need to compile');
  });

  test('builds as the README says: npm ci, then the package.json build script, then drops dev dependencies', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    assert.match(readme, /npm ci/);
    assert.ok(pkg.scripts.build, 'package.json has a build script');
    const ci = runs.indexOf('npm ci');
    const build = runs.indexOf('npm run build');
    const prune = runs.indexOf('npm prune --omit=dev');
    assert.ok(ci >= 0 && build > ci && prune > build, runs);
  });

  test('copies everything the build compiles, and .dockerignore keeps none of it out', () => {
    const copied = instructions
      .filter((l) => l.startsWith('COPY ') && !l.includes('--from='))
      .flatMap((l) => l.split(/\s+/).slice(1, -1));
    const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as { extends?: string; include: string[] };
    const needed = ['package.json', 'package-lock.json', 'tsconfig.build.json', ...(tsconfig.extends ? [tsconfig.extends.replace(/^\.\//, '')] : []), ...tsconfig.include];
    for (const path of needed) assert.ok(copied.includes(path), `the Dockerfile does not COPY ${path} (copies ${copied.join(' ')})`);
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    for (const path of copied) assert.ok(!ignored.includes(path), `.dockerignore excludes ${path}, which the Dockerfile copies`);
    for (const path of ['node_modules', 'dist', '.git', 'data']) assert.ok(ignored.includes(path), `.dockerignore should exclude ${path}`);
  });

  test('--ignore-scripts is undone for every production dependency that has an install script', () => {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean; dev?: boolean }> };
    const native = Object.entries(lock.packages)
      .filter(([, p]) => p.hasInstallScript && !p.dev)
      .map(([path]) => path.replace(/^.*node_modules\//, ''));
    assert.ok(native.includes('better-sqlite3'));
    for (const name of native) assert.match(runs, new RegExp(`npm rebuild [^&]*\\b${name}\\b`), `the Dockerfile does not rebuild ${name}`);
  });

  test('runs the built bin as a non-root user with the compose config path', () => {
    const cmd = instructions.find((l) => l.startsWith('CMD '));
    assert.deepEqual(JSON.parse(cmd?.slice(4) ?? 'null'), ['node', 'dist/src/cli/bin.js', 'start', '--config', '/etc/jaga/jaga.yaml']);
    assert.equal(pkg.bin.jaga, 'dist/src/cli/bin.js', 'the CMD runs what package.json calls jaga');
    assert.ok(existsSync(join(ROOT, 'dist/src/cli/bin.js')), '`npm run build` produces dist/src/cli/bin.js');
    const user = instructions.filter((l) => l.startsWith('USER ')).at(-1);
    assert.ok(user && !/^USER (root|0)(:|$)/.test(user), `runs as ${user ?? 'root'}`);
    assert.match(runs, /chown node:node \/var\/lib\/jaga/, 'the data volume is writable by that user');
  });
});
