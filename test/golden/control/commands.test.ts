// Golden outputs of mmm_control, byte for byte (spec §1.3, research/mmm-measured.md §2): the real client
// (runControl, what control/main.ts runs) against the real monitor shell and API over HTTP, with fake agents
// and checks (GoldenCluster). Every command, every success and error text, `show`'s trailing blank line, the
// 4-space help indentation, `checks` padding, the PASSIVE banner, agent warnings, preferred-host lines,
// "Invalid command" + help, and the exit statuses 0/1/2. The expected texts are literals on purpose: they are
// what DBAs' scripts parse.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs } from '../../unit/common/config/fixture.js';
import { role, SEED_HOSTS, T0, WRITER_IP, READER_IPS } from '../../unit/monitor/core/fixtures.js';
import { GoldenCluster } from './cluster.js';

const HELP = `Valid commands are:
    help                              - show this message
    ping                              - ping monitor
    show                              - show status
    checks [<host>|all [<check>|all]] - show checks status
    set_online <host>                 - set host <host> online
    set_offline <host>                - set host <host> offline
    mode                              - print current mode.
    set_active                        - switch into active mode.
    set_manual                        - switch into manual mode.
    set_passive                       - switch into passive mode.
    move_role [--force] <role> <host> - move exclusive role <role> to host <host>
                                        (Only use --force if you know what you are doing!)
    set_ip <ip> <host>                - set role with ip <ip> to host <host>
`;

const DATE = '2026/11/22 02:03:45';
const LINE = {
  db1: '  db1(198.18.0.11) master/',
  db2: '  db2(198.18.0.12) master/',
  db3: '  db3(198.18.0.13) slave/',
  db4: '  db4(198.18.0.14) slave/',
};
/** MMM's layout after the first start and four set_online: db1 writer + reader, one reader elsewhere. */
const SEED_SHOW =
  `${LINE.db1}ONLINE. Roles: reader(198.18.0.104), writer(198.18.0.100)\n` +
  `${LINE.db2}ONLINE. Roles: reader(198.18.0.102)\n` +
  `${LINE.db3}ONLINE. Roles: reader(198.18.0.103)\n` +
  `${LINE.db4}ONLINE. Roles: reader(198.18.0.101)\n`;

/** [argv, exit status, exact stdout]: stdout is the monitor's text plus mmm_control's one "\n". */
type Golden = readonly [argv: readonly string[], code: number, stdout: string];

let previousTz: string | undefined;
beforeAll(() => {
  // `checks` dates are local time (as MMM's); pin the zone so the literals hold on any machine.
  previousTz = process.env['TZ'];
  process.env['TZ'] = 'UTC';
});
afterAll(() => {
  if (previousTz === undefined) delete process.env['TZ'];
  else process.env['TZ'] = previousTz;
  cleanupTempDirs();
});

async function expectGoldens(c: GoldenCluster, goldens: readonly Golden[]): Promise<void> {
  for (const [argv, code, stdout] of goldens) {
    const r = await c.cli(...argv);
    expect({ argv, code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ argv, code, stdout, stderr: '' });
  }
}

describe('mmm_control goldens: the seed cluster (2 masters, 2 slaves, writer + 4 readers)', () => {
  let c: GoldenCluster;
  beforeAll(async () => {
    c = await GoldenCluster.start();
  });
  afterAll(async () => {
    await c.stop();
  });

  it('first start: every host AWAITING_RECOVERY with "Roles: " and the trailing blank line; views', async () => {
    await expectGoldens(c, [
      [
        ['show'],
        0,
        `${LINE.db1}AWAITING_RECOVERY. Roles: \n${LINE.db2}AWAITING_RECOVERY. Roles: \n` +
          `${LINE.db3}AWAITING_RECOVERY. Roles: \n${LINE.db4}AWAITING_RECOVERY. Roles: \n\n`,
      ],
      [['help'], 0, `${HELP}\n`],
      [['ping'], 0, 'OK: Pinged successfully!\n'],
      [['mode'], 0, 'ACTIVE\n'],
    ]);
  });

  it('checks: 11-char check column, host column padded to the longest name, one line without padding', async () => {
    const hostLines = (h: string): string =>
      `${h}  ping         [last change: ${DATE}]  OK\n` +
      `${h}  mysql        [last change: ${DATE}]  OK\n` +
      `${h}  rep_threads  [last change: ${DATE}]  OK\n` +
      `${h}  rep_backlog  [last change: ${DATE}]  OK: Backlog is null\n`;
    const all = ['db1', 'db2', 'db3', 'db4'].map(hostLines).join('');
    await expectGoldens(c, [
      [['checks'], 0, `${all}\n`],
      [['checks', 'all'], 0, `${all}\n`],
      [['checks', 'all', 'all'], 0, `${all}\n`],
      [['checks', 'db2'], 0, `${hostLines('db2')}\n`],
      [['checks', 'db1', 'mysql'], 0, `db1  mysql  [last change: ${DATE}]  OK\n`],
      [
        ['checks', 'all', 'rep_backlog'],
        0,
        ['db1', 'db2', 'db3', 'db4']
          .map((h) => `${h}  rep_backlog  [last change: ${DATE}]  OK: Backlog is null\n`)
          .join('') + '\n',
      ],
      [['checks', 'db9'], 1, "ERROR: Unknown host name 'db9'!\n"],
      [['checks', 'all', 'foo'], 1, "ERROR: Unknown check 'foo'!\n"],
      [['checks', 'db9', 'foo'], 1, "ERROR: Unknown check 'foo'!\n"],
    ]);
  });

  it('usage errors: Invalid command + blank line + help, exit 2 (unknown command, wrong argument counts)', async () => {
    const invalid = (line: string): string => `Invalid command '${line}'\n\n${HELP}\n`;
    await expectGoldens(c, [
      [['bogus'], 2, invalid('bogus')],
      [['SHOW'], 2, invalid('SHOW')],
      [['show', 'db1'], 2, invalid('show db1')],
      [['ping', 'x'], 2, invalid('ping x')],
      [['mode', 'x'], 2, invalid('mode x')],
      [['set_online'], 2, invalid('set_online')],
      [['set_offline', 'db1', 'db2'], 2, invalid('set_offline db1 db2')],
      [['move_role', 'writer'], 2, invalid('move_role writer')],
      // Two words after move_role are the normal form, even when the first is --force (as in MMM).
      [['move_role', '--force', 'writer'], 1, "ERROR: Unknown role name '--force'!\n"],
      [['move_role', '--force'], 2, invalid('move_role --force')],
      [['set_ip', WRITER_IP], 2, invalid(`set_ip ${WRITER_IP}`)],
      [['checks', 'db1', 'ping', 'x'], 2, invalid('checks db1 ping x')],
      [['set_active', 'now'], 2, invalid('set_active now')],
    ]);
  });

  it('set_online of every host, then MMM layout; already ONLINE; unknown host', async () => {
    const online = (h: string): string =>
      `OK: State of '${h}' changed to ONLINE. Now you can wait some time and check its new roles!\n`;
    await expectGoldens(c, [
      [['set_online', 'db1'], 0, online('db1')],
      [['set_online', 'db2'], 0, online('db2')],
      [['set_online', 'db3'], 0, online('db3')],
      [['set_online', 'db4'], 0, online('db4')],
      [['set_online', 'db1'], 0, 'OK: This host is already ONLINE. Skipping command.\n'],
      [['set_online', 'db9'], 1, "ERROR: Unknown host name 'db9'!\n"],
      [['set_offline', 'db9'], 1, "ERROR: Unknown host name 'db9'!\n"],
    ]);
    await c.tick();
    await expectGoldens(c, [[['show'], 0, `${SEED_SHOW}\n`]]);
  });

  it('set_offline / set_online: texts, already ADMIN_OFFLINE, roles cleared', async () => {
    await expectGoldens(c, [
      [
        ['set_offline', 'db4'],
        0,
        "OK: State of 'db4' changed to ADMIN_OFFLINE. Now you can wait some time and check all roles!\n",
      ],
      [['set_offline', 'db4'], 0, 'OK: This host is already ADMIN_OFFLINE. Skipping command.\n'],
    ]);
    const show = await c.cli('show');
    expect(show.stdout).toContain(`${LINE.db4}ADMIN_OFFLINE. Roles: \n`);
    await expectGoldens(c, [
      [
        ['set_online', 'db4'],
        0,
        "OK: State of 'db4' changed to ONLINE. Now you can wait some time and check its new roles!\n",
      ],
    ]);
    await c.tick();
    expect((await c.cli('show')).stdout).toMatch(/^ {2}db4\(198\.18\.0\.14\) slave\/ONLINE\. Roles: reader\(/m);
  });

  it('move_role: refusals, balanced role, --force refusals, a switchover there and back', async () => {
    await expectGoldens(c, [
      [['move_role', 'writer', 'db1'], 0, "OK: Role is on 'db1' already. Skipping command.\n"],
      [
        ['move_role', 'writer', 'db3'],
        1,
        "ERROR: Host 'db3' can't handle role 'writer'. Only following hosts could: db1, db2\n",
      ],
      [['move_role', 'foo', 'db1'], 1, "ERROR: Unknown role name 'foo'!\n"],
      [['move_role', 'writer', 'db9'], 1, "ERROR: Unknown host name 'db9'!\n"],
      [['move_role', '--force', 'foo', 'db1'], 1, "ERROR: Unknown role name 'foo'!\n"],
      [
        ['move_role', '--force', 'reader', 'db2'],
        1,
        'ERROR: move_role --forced may be used for the active master role only!\n',
      ],
      [['move_role', '--force', 'writer', 'db2'], 1, "ERROR: Can't force move of role to host with state ONLINE.\n"],
      [['set_ip', WRITER_IP, 'db2'], 1, 'ERROR: This command is only allowed in passive mode\n'],
      [
        ['move_role', 'reader', 'db3'],
        0,
        "OK: Balanced role reader has been removed from host 'db3'. Now you can wait some time and check new roles info!\n",
      ],
    ]);
    await c.tick();
    await c.tick();
    await expectGoldens(c, [
      [
        ['move_role', 'writer', 'db2'],
        0,
        "OK: Role 'writer' has been moved from 'db1' to 'db2'. Now you can wait some time and check new roles info!\n",
      ],
    ]);
    await c.tick();
    expect((await c.cli('show')).stdout).toMatch(
      /^ {2}db2\(198\.18\.0\.12\) master\/ONLINE\. Roles: .*writer\(198\.18\.0\.100\)\n/m,
    );
    await expectGoldens(c, [
      [
        ['move_role', 'writer', 'db1'],
        0,
        "OK: Role 'writer' has been moved from 'db2' to 'db1'. Now you can wait some time and check new roles info!\n",
      ],
    ]);
    await c.tick();
  });

  it('PASSIVE: banner with "# " on each line, set_ip, passive refusals, back to ACTIVE', async () => {
    await expectGoldens(c, [
      [['set_passive'], 0, 'OK: Switched into passive mode.\n'],
      [['set_passive'], 0, 'OK: Already in passive mode.\n'],
      [['mode'], 0, 'PASSIVE\n'],
      [['move_role', 'writer', 'db2'], 1, 'ERROR: This command is not allowed in passive mode\n'],
      [['move_role', '--force', 'writer', 'db2'], 1, 'ERROR: This command is not allowed in passive mode\n'],
      [['set_ip', '198.18.0.199', 'db1'], 1, "ERROR: Unknown ip '198.18.0.199'!\n"],
      [['set_ip', WRITER_IP, 'db9'], 1, "ERROR: Unknown host name 'db9'!\n"],
      [
        ['set_ip', WRITER_IP, 'db3'],
        1,
        "ERROR: Host 'db3' can't handle role 'writer'. Following hosts could: db1, db2\n",
      ],
    ]);
    const show = (await c.cli('show')).stdout;
    expect(
      show.startsWith('# --- Monitor is in PASSIVE MODE ---\n# Cause: Admin switched to passive mode.\n  db1('),
    ).toBe(true);
    expect(show.endsWith('\n\n')).toBe(true);
    await expectGoldens(c, [
      [['set_ip', WRITER_IP, 'db2'], 0, `OK: Set role 'writer(${WRITER_IP})' to host 'db2'.\n`],
      [['set_ip', WRITER_IP, 'db1'], 0, `OK: Set role 'writer(${WRITER_IP})' to host 'db1'.\n`],
      [['set_active'], 0, 'OK: Switched into active mode.\n'],
      [['set_active'], 0, 'OK: Already in active mode.\n'],
      [['set_manual'], 0, 'OK: Switched into manual mode.\n'],
      [['set_manual'], 0, 'OK: Already in manual mode.\n'],
      [['mode'], 0, 'MANUAL\n'],
      [['set_active'], 0, 'OK: Switched into active mode.\n'],
    ]);
    await c.tick();
  });

  it('state refusals: HARD_OFFLINE host, failed checks, peer replication, unreachable agent + warning', async () => {
    // db3 loses ping and mysql → HARD_OFFLINE (the checks are already debounced by the scheduler).
    const at = T0 + 20_000; // 02:04:05
    c.checks.set('db3', 'ping', false, 'ERROR: Could not ping 198.18.0.13', at);
    c.checks.set('db3', 'mysql', false, 'ERROR: Connect error (host = 198.18.0.13:3306, user = mmm_monitor)!', at);
    await c.tick();
    await expectGoldens(c, [
      [
        ['set_online', 'db3'],
        1,
        "ERROR: Host 'db3' is 'HARD_OFFLINE' at the moment. It can't be switched to ONLINE.\n",
      ],
      [
        ['set_offline', 'db3'],
        1,
        "ERROR: Host 'db3' is 'HARD_OFFLINE' at the moment. It can't be switched to ADMIN_OFFLINE.\n",
      ],
      [
        ['checks', 'db3', 'ping'],
        0,
        `db3  ping  [last change: 2026/11/22 02:04:05]  ERROR: Could not ping 198.18.0.13\n`,
      ],
    ]);
    expect((await c.cli('show')).stdout).toContain(`${LINE.db3}HARD_OFFLINE. Roles: \n`);

    // db2 out (ADMIN_OFFLINE), its peer db1 with broken replication: set_online db2 is refused.
    await expectGoldens(c, [
      [
        ['set_offline', 'db2'],
        0,
        "OK: State of 'db2' changed to ADMIN_OFFLINE. Now you can wait some time and check all roles!\n",
      ],
      [['move_role', 'writer', 'db2'], 1, "ERROR: Can't move role to host with state ADMIN_OFFLINE.\n"],
    ]);
    c.checks.set('db1', 'rep_threads', false, 'ERROR: Replication is broken', c.now + 1000);
    await c.tick();
    await expectGoldens(c, [
      [
        ['set_online', 'db2'],
        1,
        "ERROR: Some replication checks failed on peer 'db1'. We can't set 'db2' online now. Please, wait some time.\n",
      ],
    ]);
    c.checks.set('db1', 'rep_threads', true, 'OK', c.now + 1000);
    // db2's own mysql check failed while ADMIN_OFFLINE.
    c.checks.set('db2', 'mysql', false, 'ERROR: Connect error', c.now + 1000);
    await c.tick();
    await expectGoldens(c, [
      [
        ['set_online', 'db2'],
        1,
        "ERROR: Checks ping and/or mysql are not ok for host 'db2'. It can't be switched to ONLINE.\n",
      ],
    ]);
    c.checks.set('db2', 'mysql', true, 'OK', c.now + 1000);
    await c.tick();

    // db4's agent stops answering: the warning line comes before the host lines.
    c.agents.down.add('db4');
    // The failed push is an observation for the next tick: the flag is set by the second one.
    await c.tick();
    await c.tick();
    const show = (await c.cli('show')).stdout;
    expect(show.startsWith(`# Warning: agent on host db4 is not reachable\n${LINE.db1}`)).toBe(true);
    await expectGoldens(c, [
      [['set_offline', 'db4'], 1, "ERROR: Can't reach agent daemon on 'db4'! Can't switch its state!\n"],
    ]);
    c.agents.down.delete('db4');
    await c.tick();
    await expectGoldens(c, [
      [
        ['set_online', 'db2'],
        0,
        "OK: State of 'db2' changed to ONLINE. Now you can wait some time and check its new roles!\n",
      ],
    ]);
  });

  it('--json: the same answer as one document with structured data; refusals keep their exit status', async () => {
    const show = await c.cli('--json', 'show');
    expect(show.code).toBe(0);
    const doc = JSON.parse(show.stdout) as { ok: boolean; text: string; data: { mode: string; hosts: unknown[] } };
    expect(doc.ok).toBe(true);
    expect(doc.text).toBe((await c.cli('show')).stdout.slice(0, -1));
    expect(doc.data.mode).toBe('ACTIVE');
    expect(doc.data.hosts).toContainEqual({
      name: 'db3',
      ip: '198.18.0.13',
      mode: 'slave',
      state: 'HARD_OFFLINE',
      roles: [],
      agentReachable: true,
      flapping: false,
    });
    const checks = JSON.parse((await c.cli('--json', 'checks', 'db3', 'ping')).stdout) as unknown;
    expect(checks).toEqual({
      ok: true,
      exitCode: 0,
      text: 'db3  ping  [last change: 2026/11/22 02:04:05]  ERROR: Could not ping 198.18.0.13',
      data: {
        checks: [
          {
            host: 'db3',
            check: 'ping',
            state: 'failed',
            lastChange: Date.UTC(2026, 10, 22, 2, 4, 5),
            message: 'ERROR: Could not ping 198.18.0.13',
          },
        ],
      },
    });
    expect(JSON.parse((await c.cli('--json', 'mode')).stdout)).toEqual({
      ok: true,
      exitCode: 0,
      text: 'ACTIVE',
      data: { mode: 'ACTIVE' },
    });
    const refused = await c.cli('--json', 'set_online', 'db9');
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toEqual({
      ok: false,
      exitCode: 1,
      text: "ERROR: Unknown host name 'db9'!",
      data: null,
    });
    const invalid = await c.cli('--json', 'bogus');
    expect(invalid.code).toBe(2);
    expect(JSON.parse(invalid.stdout)).toMatchObject({
      ok: false,
      exitCode: 2,
      text: `Invalid command 'bogus'\n\n${HELP}`,
    });
  });
});

describe('mmm_control goldens: preferred-host lines and the preference refusal', () => {
  let c: GoldenCluster;
  beforeAll(async () => {
    const roles = [
      role('writer', 'exclusive', ['db1', 'db2'], [WRITER_IP], 'db1'),
      role('reader', 'balanced', ['db1', 'db2', 'db3', 'db4'], READER_IPS),
    ];
    c = await GoldenCluster.start({ hosts: SEED_HOSTS, roles });
  });
  afterAll(async () => {
    await c.stop();
  });

  it("no owner yet, on its preferred host, and MMM's 'it's' grammar", async () => {
    expect((await c.cli('show')).stdout.endsWith("# Role writer has db1 configured as it's preferred host.\n\n")).toBe(
      true,
    );
    for (const h of ['db1', 'db2', 'db3', 'db4']) expect((await c.cli('set_online', h)).code).toBe(0);
    await c.tick();
    await expectGoldens(c, [
      [['show'], 0, `${SEED_SHOW}# Role writer is assigned to it's preferred host db1.\n\n`],
      [['move_role', 'writer', 'db2'], 1, "ERROR: Role 'writer' is assigned to preferred host 'db1'. Can't move it!\n"],
      [['set_manual'], 0, 'OK: Switched into manual mode.\n'],
      [
        ['move_role', 'writer', 'db2'],
        0,
        "OK: Role 'writer' has been moved from 'db1' to 'db2'. Now you can wait some time and check new roles info!\n",
      ],
    ]);
    await c.tick();
    expect((await c.cli('show')).stdout).toMatch(
      /\n# Role writer has db1 configured as it's preferred host but is assigned to db2 at the moment\.\n\n$/,
    );
  });
});
