// Runs inside a lab host's namespace (lab.spawn) as a client of a VIP: connects every few milliseconds with a
// short connect timeout, asks `SELECT @@hostname`, and prints one line per attempt: `<epoch ms> <hostname|->`.
// The test moves the VIP meanwhile and reads the log to see when the new holder answered.
//   tsx vip-probe.ts <vip> <user> <password> [intervalMs]
import { createConnection } from 'mysql2/promise';
import { setTimeout as sleep } from 'node:timers/promises';

const [vip, user, password, interval = '10'] = process.argv.slice(2) as (string | undefined)[];
if (vip === undefined || user === undefined || password === undefined) {
  process.stderr.write('usage: vip-probe <vip> <user> <password> [intervalMs]\n');
  process.exit(2);
}

const state = { running: true };
process.on('SIGTERM', () => {
  state.running = false;
});

while (state.running) {
  let answer: string;
  try {
    const conn = await createConnection({ host: vip, port: 3306, user, password, connectTimeout: 100 });
    try {
      const [rows] = await conn.query({ sql: 'SELECT @@hostname AS h', timeout: 200 });
      answer = (rows as { h: string }[])[0]?.h ?? '-';
    } finally {
      conn.destroy();
    }
  } catch {
    answer = '-';
  }
  process.stdout.write(`${Date.now()} ${answer}\n`);
  await sleep(Number(interval));
}
