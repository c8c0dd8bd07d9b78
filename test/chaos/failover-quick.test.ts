// The failover scenarios of the chaos suite in CI (lab 123), quick mode, one run each, on a cluster under
// write load (a numbered insert every 10 ms through the writer VIP) with the invariants sampled every 50 ms:
// no acknowledged write missing on the new writer or an ONLINE replica, never two writable hosts or two
// holders of the writer VIP, `show` agreeing with the hosts (issue 6's list; the full runs: npm run chaos).
import { chaosSubset } from './subset.js';

chaosSubset('chaos failover subset', 123, [
  'kill-writer-mysqld',
  'sigstop-writer',
  'isolate-writer',
  'drop-monitor-writer',
  'kill-agent-isolate-stonith',
  'monitor-restart-in-failover',
  'errant-returning-writer',
]);
