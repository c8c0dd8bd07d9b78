#!/bin/sh
# One-shot setup of deploy/docker-compose.yml (NOT tested here): waits for the four servers, creates the
# accounts of deploy/grants.sql on db1 (replication copies them), and sets up replication as in the
# classic MMM layout: db1 <-> db2 master-master, db3 and db4 replicas of db1. Then opens db1 (the writer
# until the monitor takes over). Idempotent enough to run again: it stops and re-points replication.
set -eu
NET='198.18.200.%'
root() { mariadb -h "$1" -uroot -p"$MARIADB_ROOT_PASSWORD" --connect-timeout=2 -e "$2"; }
for h in db1 db2 db3 db4; do
  until root "$h" 'SELECT 1' >/dev/null 2>&1; do echo "setup: waiting for $h"; sleep 1; done
done
if ! root db1 "SELECT 1 FROM mysql.user WHERE user='mmm_agent'" | grep -q 1; then
  sed -n '/^-- BEGIN MariaDB 10.5.9+/,/^-- END MariaDB 10.5.9+/p' /grants.sql \
    | sed -e "s/192\.0\.2\.%/$NET/g" \
          -e "s/CHANGE-ME-monitor/$MMM_MONITOR_PASSWORD/" -e "s/CHANGE-ME-agent/$MMM_AGENT_PASSWORD/" \
          -e "s/CHANGE-ME-replication/$MMM_REPLICATION_PASSWORD/" \
    | mariadb -h db1 -uroot -p"$MARIADB_ROOT_PASSWORD"
fi
point() {
  root "$1" "STOP SLAVE; CHANGE MASTER TO MASTER_HOST='$2', MASTER_USER='mmm_repl',
    MASTER_PASSWORD='$MMM_REPLICATION_PASSWORD', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1,
    MASTER_HEARTBEAT_PERIOD=1; START SLAVE;"
}
point db2 198.18.200.11
point db3 198.18.200.11
point db4 198.18.200.11
point db1 198.18.200.12
root db1 'SET GLOBAL read_only=0'
echo "setup: replication configured; db1 is writable"
