// Builders shared by the checks unit tests.
import { Secret } from '../../../../common/config/secret.js';
import type { CheckConfig, CheckName, Config, HostConfig } from '../../../../common/config/types.js';
import { normalizeReplicaStatus, type ReplicaStatus } from '../../../../common/mysql/replica-status.js';

/** A MariaDB-style SHOW SLAVE STATUS row of a healthy replica of 198.18.40.11, normalized; `over` changes columns. */
export function replica(over: Record<string, unknown> = {}): ReplicaStatus {
  return normalizeReplicaStatus({
    Slave_IO_State: 'Waiting for master to send event',
    Master_Host: '198.18.40.11',
    Master_User: 'repl',
    Master_Port: 3306,
    Connect_Retry: 1,
    Master_Log_File: 'mysql-bin.000001',
    Read_Master_Log_Pos: 1000,
    Relay_Log_File: 'relay-bin.000002',
    Relay_Log_Pos: 500,
    Relay_Master_Log_File: 'mysql-bin.000001',
    Slave_IO_Running: 'Yes',
    Slave_SQL_Running: 'Yes',
    Exec_Master_Log_Pos: 1000,
    Seconds_Behind_Master: 0,
    Last_IO_Errno: 0,
    Last_IO_Error: '',
    Last_SQL_Errno: 0,
    Last_SQL_Error: '',
    Master_Server_Id: 1,
    Using_Gtid: 'Slave_Pos',
    Gtid_IO_Pos: '0-1-5',
    SQL_Delay: 0,
    Slave_SQL_Running_State: 'Slave has read all relay log; waiting for more updates',
    ...over,
  });
}

export function hostConfig(n: number, over: Partial<HostConfig> = {}): HostConfig {
  return {
    name: `db${n}`,
    ip: `198.18.40.${10 + n}`,
    mode: n <= 2 ? 'master' : 'slave',
    peer: n === 1 ? 'db2' : n === 2 ? 'db1' : undefined,
    agentPort: 9989,
    mysqlPort: 3306,
    clusterInterface: 'eth0',
    agentUser: 'mmm_agent',
    agentPassword: new Secret('agent-pw'),
    monitorUser: 'mmm_monitor',
    monitorPassword: new Secret('monitor-pw'),
    replicationUser: 'repl',
    replicationPassword: new Secret('repl-pw'),
    pidPath: undefined,
    binPath: undefined,
    ...over,
  };
}

/** MMM's defaults (spec §3.7), overridable for all four checks at once. */
export function checksConfig(over: Partial<Omit<CheckConfig, 'name'>> = {}): Record<CheckName, CheckConfig> {
  const c = (name: CheckName): CheckConfig => ({
    name,
    checkPeriod: 5,
    trapPeriod: 10,
    timeout: 2,
    restartAfter: 10000,
    maxBacklog: 60,
    ...over,
  });
  return { ping: c('ping'), mysql: c('mysql'), rep_threads: c('rep_threads'), rep_backlog: c('rep_backlog') };
}

export function checksOnlyConfig(
  hosts: number,
  over: Partial<Omit<CheckConfig, 'name'>> = {},
): Pick<Config, 'hosts' | 'checks'> {
  return { hosts: Array.from({ length: hosts }, (_, i) => hostConfig(i + 1)), checks: checksConfig(over) };
}
