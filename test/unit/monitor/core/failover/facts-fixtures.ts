// Builders for GTID facts in the failover core's tests (MariaDB unless told otherwise).
import type { GtidFacts, ReplicationFacts } from '../../../../../monitor/core/failover/facts.js';
import { T0 } from '../fixtures.js';

export function rep(o: Partial<ReplicationFacts> = {}): ReplicationFacts {
  return {
    sourceHost: 'db1',
    ioRunning: 'yes',
    sqlRunning: true,
    received: '',
    executed: '',
    lastIoErrno: 0,
    lastIoError: '',
    lastSqlErrno: 0,
    lastSqlError: '',
    ...o,
  };
}

export function facts(o: Partial<GtidFacts> = {}): GtidFacts {
  return {
    flavor: 'mariadb',
    serverId: 1,
    readOnly: true,
    binlogPos: '',
    binlogState: '',
    replication: null,
    observedAt: T0,
    ...o,
  };
}
