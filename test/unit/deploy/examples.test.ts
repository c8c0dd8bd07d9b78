// Every example configuration in deploy/examples loads with the real loader for every program that reads it
// (mmm_mond: MONITOR, mmm_agentd: AGENT, mmm_control: CONTROL), without a warning, and describes the classic
// MMM layout. The secret files the examples name are served from memory; the files themselves are read as
// they are in the repository.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { load as parseYaml } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig, nodeFs, type Config, type ConfigFs, type ProgramClass } from '../../../common/config/index.js';

const EXAMPLES = resolve(import.meta.dirname, '../../../deploy/examples');

const SECRET_FILES: Readonly<Record<string, string>> = {
  '/etc/mysql-mmm/token': 'example-token-0123456789abcdef0123456789abcdef\n',
  '/etc/mysql-mmm/secrets/replication_password': 'repl-secret\n',
  '/etc/mysql-mmm/secrets/agent_password': 'agent-secret\n',
  '/etc/mysql-mmm/secrets/monitor_password': 'monitor-secret\n',
};
const ENV = {
  MMM_TOKEN: 'docker-token-0123456789abcdef',
  MMM_REPLICATION_PASSWORD: 'repl-secret',
  MMM_AGENT_PASSWORD: 'agent-secret',
  MMM_MONITOR_PASSWORD: 'monitor-secret',
};

/** The real file system, plus the secret files at mode 0640 (root:mmm in a real installation). */
const fs: ConfigFs = {
  readFile: (p) => SECRET_FILES[p] ?? nodeFs.readFile(p),
  mode: (p) => (p in SECRET_FILES ? 0o640 : nodeFs.mode(p)),
  exists: (p) => p in SECRET_FILES || nodeFs.exists(p),
  isExecutable: (p) => nodeFs.isExecutable(p),
};

interface Service {
  cap_add?: string[];
  cap_drop?: string[];
  network_mode?: string;
  '<<'?: Service;
}

const FORMATS = [
  { dir: 'mmm', ext: 'conf' },
  { dir: 'yaml', ext: 'yaml' },
] as const;
const PROGRAMS: readonly { program: ProgramClass; file: string }[] = [
  { program: 'MONITOR', file: 'mmm_mon' },
  { program: 'AGENT', file: 'mmm_agent' },
  { program: 'CONTROL', file: 'mmm_mon' },
];

function load(dir: string, ext: string, program: ProgramClass, file: string): Config {
  return loadConfig({ program, path: join(EXAMPLES, dir, `${file}.${ext}`), env: ENV, fs, searchPath: [] });
}

describe('deploy/examples', () => {
  for (const { dir, ext } of FORMATS) {
    for (const { program, file } of PROGRAMS) {
      it(`${dir}/${file}.${ext} validates for ${program} without warnings`, () => {
        const config = load(dir, ext, program, file);
        expect(config.warnings).toEqual([]);
        expect(config.socket.type).toBe('token');
        expect(config.socket.token?.reveal()).toBe('example-token-0123456789abcdef0123456789abcdef');
        expect(config.hosts.map((h) => [h.name, h.mode, h.peer])).toEqual([
          ['db1', 'master', 'db2'],
          ['db2', 'master', 'db1'],
          ['db3', 'slave', undefined],
          ['db4', 'slave', undefined],
        ]);
        expect(config.activeMasterRole).toBe('writer');
        const roles = Object.fromEntries(config.roles.map((r) => [r.name, r]));
        expect(roles['writer']).toMatchObject({ mode: 'exclusive', hosts: ['db1', 'db2'], ips: ['192.0.2.100'] });
        expect(roles['reader']).toMatchObject({ mode: 'balanced', hosts: ['db1', 'db2', 'db3', 'db4'] });
        expect(roles['reader']?.ips).toHaveLength(4);
        if (program === 'AGENT') {
          expect(config.this).toBe('db1');
          expect(config.hosts[0]?.agentPassword.reveal()).toBe('agent-secret');
          expect(config.hosts[0]?.replicationPassword.reveal()).toBe('repl-secret');
        } else {
          expect(config.monitor?.ip).toBe('127.0.0.1');
          expect(config.monitor?.port).toBe(9988);
        }
        if (program === 'MONITOR') {
          expect(config.monitor?.statusPath).toBe('/var/lib/mysql-mmm/mmm_mond.status');
          expect(config.hosts.every((h) => h.monitorPassword.reveal() === 'monitor-secret')).toBe(true);
        }
      });
    }
  }

  it('the YAML and MMM-format examples describe the same cluster', () => {
    for (const { program, file } of PROGRAMS) {
      const a = load('mmm', 'conf', program, file);
      const b = load('yaml', 'yaml', program, file);
      const shape = (c: Config): unknown => ({
        hosts: c.hosts.map((h) => ({ ...h, agentPassword: 0, replicationPassword: 0, monitorPassword: 0 })),
        roles: c.roles,
        monitor: c.monitor,
        checks: c.checks,
        this: c.this,
        agent: c.agent,
      });
      expect(shape(b)).toEqual(shape(a));
    }
  });

  it("deploy/docker: the compose cluster's configs validate for every program and host (compose itself untested)", () => {
    const dir = join(EXAMPLES, '../docker');
    const opts = (program: ProgramClass, file: string) => ({
      program,
      path: join(dir, file),
      env: ENV,
      fs,
      searchPath: [],
    });
    for (const program of ['MONITOR', 'CONTROL'] as const) {
      const c = loadConfig(opts(program, 'mmm_mon.yaml'));
      expect(c.warnings).toEqual([]);
      expect(c.monitor?.ip).toBe('198.18.200.10');
    }
    for (const h of ['db1', 'db2', 'db3', 'db4']) {
      const c = loadConfig(opts('AGENT', `mmm_agent_${h}.yaml`));
      expect(c.warnings).toEqual([]);
      expect([c.this, c.socket.token?.reveal()]).toEqual([h, 'docker-token-0123456789abcdef']);
    }
    const compose = parseYaml(readFileSync(join(EXAMPLES, '../docker-compose.yml'), 'utf8')) as {
      services: Record<string, Service>;
    };
    // YAML merge keys (<<: *agent), as docker compose applies them
    const service = (name: string): Service => {
      const { '<<': base, ...own } = compose.services[name] ?? {};
      return { ...base, ...own };
    };
    expect(Object.keys(compose.services).sort()).toEqual([
      'agent-db1',
      'agent-db2',
      'agent-db3',
      'agent-db4',
      'db1',
      'db2',
      'db3',
      'db4',
      'monitor',
      'setup',
    ]);
    for (const h of ['db1', 'db2', 'db3', 'db4']) {
      expect(service(`agent-${h}`)).toMatchObject({
        network_mode: `service:${h}`,
        cap_drop: ['ALL'],
        cap_add: ['NET_ADMIN', 'NET_RAW'],
      });
    }
    expect(service('monitor')).toMatchObject({ cap_drop: ['ALL'], cap_add: ['NET_RAW'] });
  });
});
