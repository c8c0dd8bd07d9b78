// The four unplanned faults of issue #9 on the writer host, and their end (so what happens after the fault
// heals — a resumed server, a reconnected link — is observed too).
import type { Lab } from '../../lab/index.js';

export const FAULTS = ['kill9', 'sigstop', 'isolate', 'hostloss'] as const;
export type Fault = (typeof FAULTS)[number];

export const FAULT_LABEL: Readonly<Record<Fault, string>> = {
  kill9: 'kill -9 of mysqld',
  sigstop: 'SIGSTOP of mysqld',
  isolate: 'network isolation of the host',
  hostloss: 'whole-host loss (mysqld and agent/keepalived killed)',
};

/** Injects the fault on `host`; `killCompanion` kills what runs beside mysqld (the agent, keepalived). */
export async function inject(lab: Lab, fault: Fault, host: string, killCompanion: () => Promise<void>): Promise<void> {
  switch (fault) {
    case 'kill9':
      await lab.kill(host);
      return;
    case 'sigstop':
      await lab.stop(host);
      return;
    case 'isolate':
      await lab.isolate(host);
      return;
    case 'hostloss':
      await Promise.all([lab.kill(host), killCompanion()]);
      return;
  }
}

/** Ends the fault where it can end (SIGCONT, link up); a killed host stays down. */
export async function recover(lab: Lab, fault: Fault, host: string): Promise<void> {
  if (fault === 'sigstop') await lab.cont(host);
  if (fault === 'isolate') await lab.heal(host);
}
