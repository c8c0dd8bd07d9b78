// `show` against the verbatim mmm_control outputs measured on the lab (mmm-measured.md §2). The monitor's
// answer is what mmm_control printed minus the one "\n" it appended.
import { describe, expect, it } from 'vitest';
import { buildTopology } from '../../../../../monitor/core/topology.js';
import { prefixLines, renderShow, showData } from '../../../../../monitor/core/render/show.js';
import { READER_IPS, SEED_HOSTS, WRITER_IP, command, model, role, seedConfig, type ModelSpec } from '../fixtures.js';

const cfg = seedConfig();
const show = (spec: ModelSpec, config = cfg) => renderShow(model(config, spec), buildTopology(config));
/** What mmm_control printed: the answer plus "\n". */
const printed = (spec: ModelSpec, config = cfg) => `${show(spec, config)}\n`;

describe('show (golden samples)', () => {
  it('first start: everybody AWAITING_RECOVERY, no roles, lines end in "Roles: "', () => {
    expect(printed({ state: 'AWAITING_RECOVERY' })).toBe(
      '  db1(198.18.0.11) master/AWAITING_RECOVERY. Roles: \n' +
        '  db2(198.18.0.12) master/AWAITING_RECOVERY. Roles: \n' +
        '  db3(198.18.0.13) slave/AWAITING_RECOVERY. Roles: \n' +
        '  db4(198.18.0.14) slave/AWAITING_RECOVERY. Roles: \n' +
        '\n',
    );
  });

  it('after set_online of every host', () => {
    const owners = {
      [WRITER_IP]: 'db1',
      '198.18.0.103': 'db1',
      '198.18.0.102': 'db2',
      '198.18.0.101': 'db3',
      '198.18.0.104': 'db4',
    };
    expect(printed({ owners })).toBe(
      '  db1(198.18.0.11) master/ONLINE. Roles: reader(198.18.0.103), writer(198.18.0.100)\n' +
        '  db2(198.18.0.12) master/ONLINE. Roles: reader(198.18.0.102)\n' +
        '  db3(198.18.0.13) slave/ONLINE. Roles: reader(198.18.0.101)\n' +
        '  db4(198.18.0.14) slave/ONLINE. Roles: reader(198.18.0.104)\n' +
        '\n',
    );
  });

  it('after a crash failover (run D2)', () => {
    const owners = {
      [WRITER_IP]: 'db2',
      '198.18.0.101': 'db2',
      '198.18.0.103': 'db3',
      '198.18.0.104': 'db3',
      '198.18.0.102': 'db4',
    };
    expect(printed({ owners, hosts: { db1: { state: 'HARD_OFFLINE' } } })).toBe(
      '  db1(198.18.0.11) master/HARD_OFFLINE. Roles: \n' +
        '  db2(198.18.0.12) master/ONLINE. Roles: reader(198.18.0.101), writer(198.18.0.100)\n' +
        '  db3(198.18.0.13) slave/ONLINE. Roles: reader(198.18.0.103), reader(198.18.0.104)\n' +
        '  db4(198.18.0.14) slave/ONLINE. Roles: reader(198.18.0.102)\n' +
        '\n',
    );
  });

  it('agent warnings come first, in host-name order', () => {
    const owners = { [WRITER_IP]: 'db2', '198.18.0.103': 'db2' };
    const text = show({
      owners,
      hosts: { db1: { state: 'HARD_OFFLINE', agentReachable: false }, db4: { agentReachable: false } },
    });
    expect(text.split('\n').slice(0, 4)).toEqual([
      '# Warning: agent on host db1 is not reachable',
      '# Warning: agent on host db4 is not reachable',
      '  db1(198.18.0.11) master/HARD_OFFLINE. Roles: ',
      '  db2(198.18.0.12) master/ONLINE. Roles: reader(198.18.0.103), writer(198.18.0.100)',
    ]);
  });

  it('PASSIVE banner with "# " on every line', () => {
    const text = show({ mode: 'PASSIVE', hosts: { db1: { state: 'HARD_OFFLINE' } } });
    expect(text.split('\n').slice(0, 3)).toEqual([
      '# --- Monitor is in PASSIVE MODE ---',
      '# Cause: Admin switched to passive mode.',
      '  db1(198.18.0.11) master/HARD_OFFLINE. Roles: ',
    ]);
  });

  it('prefixes every line of a multi-line cause, blank lines included, but not after the last newline', () => {
    const text = show({
      mode: 'PASSIVE',
      passiveCause: 'Conflicting roles during startup:\n\nStartup status:\n\nRoles:\n',
    });
    expect(
      text.startsWith(
        '# --- Monitor is in PASSIVE MODE ---\n# Cause: Conflicting roles during startup:\n# \n# Startup status:\n# \n# Roles:\n# \n  db1(',
      ),
    ).toBe(true);
    expect(prefixLines('a\n\nb\n', '# ')).toBe('# a\n# \n# b\n');
    expect(prefixLines('a', '# ')).toBe('# a');
  });

  it('sorts hosts by name whatever the config order', () => {
    const config = seedConfig({ hosts: [...SEED_HOSTS].reverse() });
    expect(
      show({}, config)
        .split('\n')
        .map((l) => l.slice(2, 5)),
    ).toEqual(['db1', 'db2', 'db3', 'db4', '']);
  });

  it("prints MMM's preferred-host lines with its grammar", () => {
    const config = seedConfig({
      roles: [
        role('writer', 'exclusive', ['db1', 'db2'], [WRITER_IP], 'db1'),
        role('reader', 'balanced', ['db1', 'db2', 'db3', 'db4'], READER_IPS, 'db3'),
        role('backup', 'exclusive', ['db3', 'db4'], ['198.18.0.120'], 'db4'),
      ],
    });
    const lines = (spec: ModelSpec) =>
      show(spec, config)
        .split('\n')
        .filter((l) => l.startsWith('# Role'));
    expect(lines({ owners: { [WRITER_IP]: 'db1', '198.18.0.120': 'db3' } })).toEqual([
      "# Role writer is assigned to it's preferred host db1.",
      "# Role backup has db4 configured as it's preferred host but is assigned to db3 at the moment.",
    ]);
    expect(lines({})).toEqual([
      "# Role writer has db1 configured as it's preferred host.",
      "# Role backup has db4 configured as it's preferred host.",
    ]);
  });

  it('answers the show command with the text and structured data', () => {
    const out = command(model(cfg, { hosts: { db2: { agentReachable: false } } }), ['show']);
    expect(out.response.exitCode).toBe(0);
    expect(out.response.text).toBe(show({ hosts: { db2: { agentReachable: false } } }));
    expect(out.response.data).toEqual(
      showData(model(cfg, { hosts: { db2: { agentReachable: false } } }), buildTopology(cfg)),
    );
    expect(showData(model(cfg, { mode: 'PASSIVE' }), buildTopology(cfg)).passiveCause).toBe(
      'Admin switched to passive mode.',
    );
  });
});
