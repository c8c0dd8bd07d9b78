// `npm run lab -- <command> [--id K] ...`: the lab from the command line (runs with tsx, as root).
import { parseArgs } from 'node:util';
import { describeError, isMmmError, MmmError } from '../../common/errors/index.js';
import { Lab, formatStatus, type DownReport } from './index.js';

const USAGE = `usage: npm run lab -- <command> [options]

commands:
  up                      build lab K (cleans what exists of it first): --hosts N (default 4),
                          --no-master-master, --semi-sync, --slave-net-timeout S (default 5)
  down                    remove everything of lab K (processes, veths, namespaces, bridge, state);
                          --force ignores a live lock owner
  status                  per host: reachability, read_only, GTID positions, replication threads, lag
  exec <host> -- <cmd...> run a command inside a host (its namespace and hostname)
  kill <host>             SIGKILL the host's mariadbd
  stop <host> | cont <host>        SIGSTOP / SIGCONT the host's mariadbd
  isolate <host> | heal <host>     link of the host's veth down / up
  drop <host> | undrop <host>      nftables drop on the host's eth0; --peer IP limits it to one peer
  restart-db <host>       start the host's mariadbd again (stopping it first if it runs)

options:
  --id K                  lab id 0..255 (default: $MMM_LAB_ID or 0); lab K uses 198.18.K.0/24
`;

function fail(message: string): never {
  throw new MmmError('MMM_USAGE', `${message}\n\n${USAGE}`);
}

function intOption(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (!/^[0-9]+$/.test(v)) fail(`--${name}: expected a whole number, got '${v}'`);
  return Number(v);
}

function printDown(r: DownReport): boolean {
  console.log(`lab ${r.id}: down in ${r.ms} ms, ${r.killed.length} processes killed`);
  for (const l of r.leftovers) console.log(`lab ${r.id}: LEFTOVER ${l}`);
  return r.leftovers.length === 0;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      id: { type: 'string' },
      hosts: { type: 'string' },
      'no-master-master': { type: 'boolean' },
      'semi-sync': { type: 'boolean' },
      'slave-net-timeout': { type: 'string' },
      peer: { type: 'string' },
      force: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, host, ...rest] = positionals;
  if (values.help === true || command === undefined) {
    console.log(USAGE);
    return command === undefined && values.help !== true ? 2 : 0;
  }
  const id = intOption(values.id ?? process.env['MMM_LAB_ID'], 'id', 0);
  const needHost = (): string => host ?? fail(`${command}: which host? (db1, db2, ...)`);

  switch (command) {
    case 'up': {
      const started = Date.now();
      const lab = await Lab.up({
        id,
        hosts: intOption(values.hosts, 'hosts', 4),
        masterMaster: values['no-master-master'] !== true,
        semiSync: values['semi-sync'] === true,
        slaveNetTimeout: intOption(values['slave-net-timeout'], 'slave-net-timeout', 5),
        progress: (line) => {
          console.log(line);
        },
      });
      for (const s of await lab.status()) console.log(formatStatus(s));
      console.log(`lab ${id}: up in ${Date.now() - started} ms; tear down with: npm run lab -- down --id ${id}`);
      return 0;
    }
    case 'down':
      return printDown(await Lab.down(id, { force: values.force === true })) ? 0 : 1;
    case 'status': {
      const lab = await Lab.attach(id, { lock: false });
      const all = await lab.status();
      for (const s of all) console.log(formatStatus(s));
      return all.every((s) => s.reachable) ? 0 : 1;
    }
    case 'exec': {
      const lab = await Lab.attach(id, { lock: false });
      if (rest.length === 0) fail('exec: expected a command after the host, e.g. exec db1 -- ip addr');
      const r = await lab.exec(needHost(), rest, { timeoutMs: 600_000 });
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      return 0;
    }
    case 'kill':
    case 'stop':
    case 'cont':
    case 'isolate':
    case 'heal':
    case 'drop':
    case 'undrop':
    case 'restart-db': {
      const lab = await Lab.attach(id);
      const h = needHost();
      const peer = values.peer === undefined ? {} : { peer: values.peer };
      const started = Date.now();
      const actions: Record<string, () => Promise<unknown>> = {
        kill: () => lab.kill(h),
        stop: () => lab.stop(h),
        cont: () => lab.cont(h),
        isolate: () => lab.isolate(h),
        heal: () => lab.heal(h),
        drop: () => lab.drop(h, peer),
        undrop: () => lab.undrop(h, peer),
        'restart-db': () => lab.restartDb(h),
      };
      await actions[command]!();
      console.log(
        `lab ${id}: ${command} ${h}${values.peer === undefined ? '' : ` (peer ${values.peer})`} done in ${Date.now() - started} ms`,
      );
      return 0;
    }
    default:
      return fail(`unknown command '${command}'`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`lab: ${isMmmError(e) ? `${e.code}: ` : ''}${describeError(e)}`);
    process.exitCode = isMmmError(e) && e.code === 'MMM_USAGE' ? 2 : 1;
  },
);
