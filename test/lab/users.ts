// The MySQL users of an MMM deployment as the lab creates them, with the smallest grants that really work
// on MariaDB 10.11 (measured, see lab-facts §3: SUPER does not allow SET GLOBAL read_only nor SHOW SLAVE
// STATUS there). Baked into the template datadir, so every lab has them without extra start-up work.

export type LabUser = 'repl' | 'mmm_monitor' | 'mmm_agent' | 'app' | 'labadmin';

export interface Credentials {
  readonly user: string;
  readonly password: string;
}

/** Lab passwords: throw-away values for throw-away servers, one per user so mix-ups show up in tests. */
export const LAB_USERS: Readonly<Record<LabUser, Credentials>> = {
  repl: { user: 'repl', password: 'repl-lab-pw' },
  mmm_monitor: { user: 'mmm_monitor', password: 'monitor-lab-pw' },
  mmm_agent: { user: 'mmm_agent', password: 'agent-lab-pw' },
  app: { user: 'app', password: 'app-lab-pw' },
  labadmin: { user: 'labadmin', password: 'labadmin-lab-pw' },
};

/** Global privileges per user (ON *.*). */
export const LAB_GRANTS: Readonly<Record<LabUser, string>> = {
  repl: 'REPLICATION SLAVE',
  // SHOW SLAVE STATUS needs SLAVE MONITOR; SHOW MASTER STATUS / SHOW BINARY LOGS need BINLOG MONITOR.
  mmm_monitor: 'BINLOG MONITOR, SLAVE MONITOR',
  // read_only on/off and writing under read_only: READ_ONLY ADMIN; KILL of application threads: CONNECTION
  // ADMIN; STOP/START SLAVE, CHANGE MASTER, gtid_slave_pos: REPLICATION SLAVE ADMIN; all threads: PROCESS.
  mmm_agent: 'READ_ONLY ADMIN, CONNECTION ADMIN, REPLICATION SLAVE ADMIN, PROCESS, SLAVE MONITOR, BINLOG MONITOR',
  app: 'USAGE',
  labadmin: 'ALL PRIVILEGES',
};

/** Client hosts every user is created for: the lab networks, and loopback/socket inside a host. */
export const LAB_USER_HOSTS = ['198.18.%', '127.0.0.1', 'localhost'] as const;

export const APP_TABLE_DDL =
  "CREATE TABLE app.t (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, v VARCHAR(255) NOT NULL DEFAULT '', " +
  "src VARCHAR(64) NOT NULL DEFAULT '', ts TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)) ENGINE=InnoDB";

/** SQL run by mariadb-install-db in bootstrap mode. FLUSH PRIVILEGES first: bootstrap starts with grants off. */
export function bootstrapSql(): string {
  const lines = ['FLUSH PRIVILEGES;'];
  for (const [name, cred] of Object.entries(LAB_USERS) as [LabUser, Credentials][]) {
    for (const host of LAB_USER_HOSTS) {
      const account = `'${cred.user}'@'${host}'`;
      lines.push(`CREATE USER ${account} IDENTIFIED BY '${cred.password}';`);
      lines.push(`GRANT ${LAB_GRANTS[name]} ON *.* TO ${account}${name === 'labadmin' ? ' WITH GRANT OPTION' : ''};`);
      if (name === 'app') lines.push(`GRANT SELECT, INSERT, UPDATE, DELETE ON app.* TO ${account};`);
    }
  }
  lines.push('CREATE DATABASE app;', `${APP_TABLE_DDL};`);
  return lines.join('\n') + '\n';
}
