-- mysql-mmm-ng: the three MySQL accounts and the smallest privileges each one needs.
--
--   mmm_monitor  mmm_mond's checks (mysql, rep_threads, rep_backlog)        connects from the monitor host
--   mmm_agent    mmm_agentd: read_only, kill client sessions, catch-up,      connects from its own host, to the
--                promote, repoint (STOP/CHANGE/START SLAVE), status          host's `ip` (not the socket)
--   mmm_repl     replication: replicas connect to their master with it       connects from every DB host
--
-- Before running: replace 192.0.2.% with the network of your DB hosts and your monitor (or create one
-- account per address), and the CHANGE-ME passwords (put the same ones in the config or its secret files:
-- monitor_password, agent_password, replication_password). Run it once, as an administrator, on the active
-- master: replication copies the accounts to the other hosts.
--
-- Run only the section of your server, for example:
--   sed -n '/^-- BEGIN MariaDB 10.5.9+/,/^-- END MariaDB 10.5.9+/p' grants.sql | mariadb
--
-- No account needs SUPER or ALL. The application's accounts must not have READ_ONLY ADMIN (MariaDB) or
-- CONNECTION_ADMIN/SUPER (MySQL): those write through read_only, and then fencing cannot stop them.

-- BEGIN MariaDB 10.5.9+
-- MariaDB 10.5.9 and later: 10.6, 10.11, 11.x. Measured on MariaDB 10.11: test/integration/deploy/grants.test.ts
-- creates exactly these accounts, runs every monitor check and every agent operation with them, and shows
-- that each privilege listed is needed (the statement that uses it fails without it).

-- SLAVE MONITOR: SHOW SLAVE STATUS (rep_threads, rep_backlog). REPLICATION CLIENT alone is NOT enough
-- since 10.5.9 (error 1227). @@read_only and the GTID variables need no privilege.
CREATE USER 'mmm_monitor'@'192.0.2.%' IDENTIFIED BY 'CHANGE-ME-monitor';
GRANT SLAVE MONITOR ON *.* TO 'mmm_monitor'@'192.0.2.%';

-- READ_ONLY ADMIN:         SET GLOBAL read_only=0/1 (SUPER is NOT enough since 10.11)
-- CONNECTION ADMIN:        KILL the application's sessions when fencing
-- PROCESS:                 SHOW FULL PROCESSLIST of every user (to find those sessions)
-- REPLICATION SLAVE ADMIN: STOP/START SLAVE, CHANGE MASTER, RESET SLAVE ALL
-- SLAVE MONITOR:           SHOW SLAVE STATUS
-- BINLOG MONITOR:          SHOW MASTER STATUS (binlog coordinates in the status report and after promote)
-- MASTER_GTID_WAIT() and MASTER_POS_WAIT() (catch-up) need no privilege.
CREATE USER 'mmm_agent'@'192.0.2.%' IDENTIFIED BY 'CHANGE-ME-agent';
GRANT READ_ONLY ADMIN, CONNECTION ADMIN, PROCESS, REPLICATION SLAVE ADMIN, SLAVE MONITOR, BINLOG MONITOR
  ON *.* TO 'mmm_agent'@'192.0.2.%';

-- REPLICATION SLAVE: read the master's binlog.
CREATE USER 'mmm_repl'@'192.0.2.%' IDENTIFIED BY 'CHANGE-ME-replication';
GRANT REPLICATION SLAVE ON *.* TO 'mmm_repl'@'192.0.2.%';
-- END MariaDB 10.5.9+

-- BEGIN MariaDB 10.0-10.5.8
-- Older MariaDB has no fine-grained privileges: SUPER covers read_only, KILL and replication control there.
-- Derived from the MariaDB manual, not measured here (these versions are out of support).
CREATE USER 'mmm_monitor'@'192.0.2.%' IDENTIFIED BY 'CHANGE-ME-monitor';
GRANT REPLICATION CLIENT ON *.* TO 'mmm_monitor'@'192.0.2.%';
CREATE USER 'mmm_agent'@'192.0.2.%' IDENTIFIED BY 'CHANGE-ME-agent';
GRANT SUPER, REPLICATION CLIENT, PROCESS ON *.* TO 'mmm_agent'@'192.0.2.%';
CREATE USER 'mmm_repl'@'192.0.2.%' IDENTIFIED BY 'CHANGE-ME-replication';
GRANT REPLICATION SLAVE ON *.* TO 'mmm_repl'@'192.0.2.%';
-- END MariaDB 10.0-10.5.8

-- BEGIN MySQL 8.0/8.4
-- MySQL 8.0 and 8.4 (and 9.x). From the MySQL manual; NOT measured here (no MySQL server on our test
-- machines; the flavor matrix in test/integration/lab/flavors.test.ts runs where Docker exists).
-- REPLICATION CLIENT: SHOW REPLICA STATUS; SHOW BINARY LOG STATUS (8.2+) / SHOW MASTER STATUS.
CREATE USER 'mmm_monitor'@'192.0.2.%' IDENTIFIED BY 'CHANGE-ME-monitor';
GRANT REPLICATION CLIENT ON *.* TO 'mmm_monitor'@'192.0.2.%';

-- SYSTEM_VARIABLES_ADMIN:  SET GLOBAL super_read_only=1 / read_only=0
-- CONNECTION_ADMIN:        KILL other users' sessions
-- PROCESS:                 SHOW FULL PROCESSLIST of every user
-- REPLICATION_SLAVE_ADMIN: STOP/START REPLICA, CHANGE REPLICATION SOURCE, RESET REPLICA ALL
-- REPLICATION CLIENT:      SHOW REPLICA STATUS, SHOW BINARY LOG STATUS
-- SELECT on replication_connection_configuration: the heartbeat period after a repoint
-- WAIT_FOR_EXECUTED_GTID_SET() needs no privilege.
CREATE USER 'mmm_agent'@'192.0.2.%' IDENTIFIED BY 'CHANGE-ME-agent';
GRANT SYSTEM_VARIABLES_ADMIN, CONNECTION_ADMIN, PROCESS, REPLICATION_SLAVE_ADMIN, REPLICATION CLIENT
  ON *.* TO 'mmm_agent'@'192.0.2.%';
GRANT SELECT ON performance_schema.replication_connection_configuration TO 'mmm_agent'@'192.0.2.%';

-- REPLICATION SLAVE. With caching_sha2_password (the default) a replica needs TLS or the source's RSA key
-- for its first login after every server restart; the agent sets neither yet (README, Limits). MySQL 8.0:
-- IDENTIFIED WITH mysql_native_password; 8.4: enable TLS for replication or mysql_native_password=ON.
CREATE USER 'mmm_repl'@'192.0.2.%' IDENTIFIED BY 'CHANGE-ME-replication';
GRANT REPLICATION SLAVE ON *.* TO 'mmm_repl'@'192.0.2.%';
-- END MySQL 8.0/8.4
