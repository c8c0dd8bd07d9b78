// Words that mmm_control's commands know (MMM 2.2.1 spec §1.2), for generators of command lines: random
// strings alone would almost never reach a handler.
export const COMMAND_WORDS = [
  'show',
  'help',
  'ping',
  'checks',
  'mode',
  'set_online',
  'set_offline',
  'set_active',
  'set_passive',
  'set_manual',
  'move_role',
  'set_ip',
  '--force',
  'db1',
  'db2',
  'writer',
  'reader',
  'all',
] as const;
