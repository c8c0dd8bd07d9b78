// Flavor matrix: where a Docker engine is reachable, two servers per flavor (MySQL 8.0, MySQL 8.4, MariaDB 11)
// in containers, replication set up only through the dialect layer (common/mysql): CHANGE REPLICATION SOURCE
// / CHANGE MASTER with GTID auto-positioning, replica status normalisation, GTID waits. Without Docker (our
// dev and CI machines) the whole file is skipped with one line saying why. See test/lab/README.md.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret } from '../../../common/config/secret.js';
import { ManagedConnection } from '../../../common/mysql/connection.js';
import { dialectFor, type Dialect } from '../../../common/mysql/dialect.js';
import { detectServerVersion } from '../../../common/mysql/flavor.js';
import { formatMariaPosition, formatMysqlGtidSet } from '../../../common/mysql/gtid.js';
import { statement } from '../../../common/mysql/statement.js';

interface Flavor {
  readonly name: string;
  readonly image: string;
  readonly env: Readonly<Record<string, string>>;
  readonly args: (serverId: number) => string[];
}

const ROOT_PW = 'flavor-root-pw';
const REPL_PW = 'flavor-repl-pw';

const mysqlArgs = (id: number): string[] => [
  `--server-id=${id}`,
  '--log-bin=mysql-bin',
  '--gtid-mode=ON',
  '--enforce-gtid-consistency=ON',
  '--binlog-format=ROW',
];

const FLAVORS: readonly Flavor[] = [
  { name: 'MySQL 8.0', image: 'mysql:8.0', env: { MYSQL_ROOT_PASSWORD: ROOT_PW }, args: mysqlArgs },
  { name: 'MySQL 8.4', image: 'mysql:8.4', env: { MYSQL_ROOT_PASSWORD: ROOT_PW }, args: mysqlArgs },
  {
    name: 'MariaDB 11',
    image: 'mariadb:11',
    env: { MARIADB_ROOT_PASSWORD: ROOT_PW },
    args: (id) => [`--server-id=${id}`, '--log-bin=mysql-bin', '--binlog-format=ROW'],
  },
];

/** Whether a Docker engine answers, and if not, why (for the one skip line). */
async function dockerEngine(): Promise<{ ok: boolean; why: string }> {
  const sockets = ['/var/run/docker.sock', `${process.env['XDG_RUNTIME_DIR'] ?? '/nonexistent'}/docker.sock`];
  if (process.env['DOCKER_HOST'] === undefined && !sockets.some((s) => existsSync(s))) {
    return { ok: false, why: 'no Docker engine (DOCKER_HOST unset, no /var/run/docker.sock)' };
  }
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return { ok: true, why: '' };
  } catch (e) {
    return { ok: false, why: `Docker engine not reachable: ${(e as Error).message.split('\n')[0] ?? ''}` };
  }
}

const docker = await dockerEngine();
if (!docker.ok) {
  // The one line that says why the flavor matrix did not run.
  process.stdout.write(`flavor matrix (MySQL 8.0, MySQL 8.4, MariaDB 11 in containers) skipped: ${docker.why}\n`);
}

describe.skipIf(!docker.ok)('flavor matrix through testcontainers', () => {
  describe.each(FLAVORS)('$name', (flavor) => {
    const stops: (() => Promise<unknown>)[] = [];
    let primary: ManagedConnection;
    let replica: ManagedConnection;
    let d: Dialect;

    beforeAll(async () => {
      const { GenericContainer, Network, Wait } = await import('testcontainers');
      const network = await new Network().start();
      stops.push(() => network.stop());
      const start = async (id: number): Promise<ManagedConnection> => {
        const c = await new GenericContainer(flavor.image)
          .withNetwork(network)
          .withNetworkAliases(`db${id}`)
          .withEnvironment({ ...flavor.env })
          .withCommand(flavor.args(id))
          .withExposedPorts(3306)
          .withWaitStrategy(Wait.forListeningPorts())
          .withStartupTimeout(180_000)
          .start();
        stops.unshift(() => c.stop());
        const conn = new ManagedConnection(
          { host: c.getHost(), port: c.getMappedPort(3306), user: 'root', password: new Secret(ROOT_PW) },
          { connectTimeoutMs: 3_000, queryTimeoutMs: 10_000 },
        );
        stops.unshift(() => conn.close());
        // The image's entrypoint restarts the server once after initialising: retry until it stays up.
        for (let i = 0; ; i++) {
          try {
            await conn.query(statement('SELECT 1'));
            return conn;
          } catch (e) {
            if (i > 120) throw e;
            await new Promise((r) => setTimeout(r, 500));
          }
        }
      };
      [primary, replica] = await Promise.all([start(1), start(2)]);
      d = dialectFor(await detectServerVersion(replica));
      await primary.query(statement(`CREATE USER 'repl'@'%' IDENTIFIED BY '${REPL_PW}'`));
      await primary.query(statement("GRANT REPLICATION SLAVE ON *.* TO 'repl'@'%'"));
    }, 400_000);

    afterAll(async () => {
      for (const stop of stops) await stop().catch(() => undefined);
    }, 120_000);

    it('replicates with GTID auto-positioning set up through the dialect layer', async () => {
      await replica.query(d.stopReplica());
      await replica.query(
        d.changeSource({
          host: 'db1',
          port: 3306,
          user: 'repl',
          password: new Secret(REPL_PW),
          position: { kind: 'gtid' },
          heartbeatPeriodSec: 1,
          connectRetrySec: 1,
          netTimeoutSec: await replica.run(d.replicaNetTimeout()),
          getSourcePublicKey: d.features.getSourcePublicKey,
        }),
      );
      await replica.query(d.startReplica());
      for (let i = 0; ; i++) {
        const s = await replica.run(d.showReplicaStatus());
        if (s?.ioRunning === 'Yes' && s.sqlRunning === 'Yes') {
          expect(s).toMatchObject({ sourceHost: 'db1', sourcePort: 3306, usingGtid: true });
          break;
        }
        if (i > 100) throw new Error(`replica not running: ${JSON.stringify(s)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(await replica.run(d.heartbeatPeriod())).toBe(1);

      await primary.query(statement('CREATE DATABASE app'));
      await primary.query(statement('CREATE TABLE app.t (id INT PRIMARY KEY, v VARCHAR(32))'));
      await primary.query(statement('INSERT INTO app.t VALUES (1, ?)', [flavor.name]));
      const g = await primary.run(d.gtidState());
      const gtid = g.flavor === 'mariadb' ? formatMariaPosition(g.binlogPos) : formatMysqlGtidSet(g.executed);
      expect(await replica.run(d.waitForGtid(gtid, 30))).toBe('reached');
      expect(await replica.query(statement('SELECT v FROM app.t WHERE id = 1'))).toEqual([{ v: flavor.name }]);
    });
  });
});
