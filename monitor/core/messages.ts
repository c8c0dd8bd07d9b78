// Every text MMM 2.2.1 printed or logged that the core reproduces, in one place, byte for byte (spec §1.3,
// §2.3, §4.2, §5, §8). DBAs' scripts and log scrapers parse these, so change none of them casually.
import { intOf } from './topology.js';

/** `mmm_control help` (spec §1.3): 4-space indentation, ends with a newline. */
export const HELP_TEXT = `Valid commands are:
    help                              - show this message
    ping                              - ping monitor
    show                              - show status
    checks [<host>|all [<check>|all]] - show checks status
    set_online <host>                 - set host <host> online
    set_offline <host>                - set host <host> offline
    mode                              - print current mode.
    set_active                        - switch into active mode.
    set_manual                        - switch into manual mode.
    set_passive                       - switch into passive mode.
    move_role [--force] <role> <host> - move exclusive role <role> to host <host>
                                        (Only use --force if you know what you are doing!)
    set_ip <ip> <host>                - set role with ip <ip> to host <host>
`;

/** Answers of `mmm_control` commands (spec §1.3). */
export const say = {
  invalidCommand: (line: string): string => `Invalid command '${line}'\n\n${HELP_TEXT}`,
  pinged: 'OK: Pinged successfully!',
  unknownHost: (h: string): string => `ERROR: Unknown host name '${h}'!`,
  unknownCheck: (c: string): string => `ERROR: Unknown check '${c}'!`,
  unknownRole: (r: string): string => `ERROR: Unknown role name '${r}'!`,
  unknownIp: (ip: string): string => `ERROR: Unknown ip '${ip}'!`,
  alreadyOnline: 'OK: This host is already ONLINE. Skipping command.',
  cantSwitchOnline: (h: string, s: string): string =>
    `ERROR: Host '${h}' is '${s}' at the moment. It can't be switched to ONLINE.`,
  checksNotOk: (h: string): string =>
    `ERROR: Checks ping and/or mysql are not ok for host '${h}'. It can't be switched to ONLINE.`,
  peerReplicationFailed: (peer: string, h: string): string =>
    `ERROR: Some replication checks failed on peer '${peer}'. We can't set '${h}' online now. Please, wait some time.`,
  agentUnreachableState: (h: string): string => `ERROR: Can't reach agent daemon on '${h}'! Can't switch its state!`,
  setOnline: (h: string): string =>
    `OK: State of '${h}' changed to ONLINE. Now you can wait some time and check its new roles!`,
  alreadyOffline: 'OK: This host is already ADMIN_OFFLINE. Skipping command.',
  cantSwitchOffline: (h: string, s: string): string =>
    `ERROR: Host '${h}' is '${s}' at the moment. It can't be switched to ADMIN_OFFLINE.`,
  setOffline: (h: string): string =>
    `OK: State of '${h}' changed to ADMIN_OFFLINE. Now you can wait some time and check all roles!`,
  notInPassive: 'ERROR: This command is not allowed in passive mode',
  onlyInPassive: 'ERROR: This command is only allowed in passive mode',
  balancedRemoved: (r: string, h: string): string =>
    `OK: Balanced role ${r} has been removed from host '${h}'. Now you can wait some time and check new roles info!`,
  cantMoveToState: (s: string): string => `ERROR: Can't move role to host with state ${s}.`,
  cantHandleOnly: (h: string, r: string, hosts: readonly string[]): string =>
    `ERROR: Host '${h}' can't handle role '${r}'. Only following hosts could: ${hosts.join(', ')}`,
  cantHandleFollowing: (h: string, r: string, hosts: readonly string[]): string =>
    `ERROR: Host '${h}' can't handle role '${r}'. Following hosts could: ${hosts.join(', ')}`,
  alreadyThere: (h: string): string => `OK: Role is on '${h}' already. Skipping command.`,
  agentUnreachableMove: (h: string): string => `ERROR: Can't reach agent daemon on '${h}'! Can't move roles there!`,
  onPreferred: (r: string, owner: string): string =>
    `ERROR: Role '${r}' is assigned to preferred host '${owner}'. Can't move it!`,
  noIp: (r: string): string => `Error: Role ${r} has no IP.`,
  moved: (r: string, from: string, to: string): string =>
    `OK: Role '${r}' has been moved from '${from}' to '${to}'. Now you can wait some time and check new roles info!`,
  forceOnlyActiveMaster: 'ERROR: move_role --forced may be used for the active master role only!',
  cantForceToState: (s: string): string => `ERROR: Can't force move of role to host with state ${s}.`,
  forceMoved: (r: string, from: string, to: string): string =>
    `OK: Role '${r}' has been moved from '${from}' to '${to}' enforcedly. Now you can wait some time and check new roles info!`,
  setIpNotOnline: (h: string, s: string, ip: string): string =>
    `ERROR: Host '${h}' is '${s}' at the moment. Can't move role with ip '${ip}' there.`,
  setIp: (r: string, ip: string, h: string): string => `OK: Set role '${r}(${ip})' to host '${h}'.`,
  alreadyActive: 'OK: Already in active mode.',
  // Not MMM's (issue 6): a host with errant transactions, or one that cannot follow the writer, stays out.
  heldOut: (h: string, reason: string): string =>
    `ERROR: Host '${h}' is held out: ${reason}. It can't be switched to ONLINE.`,
  switchedActive: 'OK: Switched into active mode.',
  alreadyManual: 'OK: Already in manual mode.',
  switchedManual: 'OK: Switched into manual mode.',
  alreadyPassive: 'OK: Already in passive mode.',
  switchedPassive: 'OK: Switched into passive mode.',
} as const;

/** Passive causes (spec §5). */
export const cause = {
  configured: 'Configured to start up in passive mode.',
  admin: 'Admin switched to passive mode.',
  conflict: (table: string): string => `Conflicting roles during startup:\n\n${table}`,
} as const;

const okText = (b: boolean): string => (b ? 'OK' : 'not OK');

/** MMM's log texts (spec §2.3, §2.5, §4.2, §5, §6.1, §8). */
export const logText = {
  changed: (h: string, from: string, to: string): string => `State of host '${h}' changed from ${from} to ${to}`,
  hardOffline: (h: string, from: string, ping: boolean, mysql: boolean): string =>
    `State of host '${h}' changed from ${from} to HARD_OFFLINE (ping: ${okText(ping)}, mysql: ${okText(mysql)})`,
  flappingAuto: (h: string, flapDurationS: number, inStateS: number): string =>
    `State of flapping host '${h}' changed from AWAITING_RECOVERY to ONLINE because of auto_set_online and ` +
    `flap_duration(${intOf(flapDurationS)}) seconds passed without another failure. ` +
    `It was in state AWAITING_RECOVERY for ${intOf(inStateS)} seconds`,
  shortDowntime: (h: string, downS: number): string =>
    `State of host '${h}' changed from AWAITING_RECOVERY to ONLINE because it was down for only ${intOf(downS)} seconds`,
  autoSetOnline: (h: string, autoS: number, inStateS: number): string =>
    `State of host '${h}' changed from AWAITING_RECOVERY to ONLINE because of auto_set_online(${intOf(autoS)} seconds). ` +
    `It was in state AWAITING_RECOVERY for ${intOf(inStateS)} seconds`,
  becauseFlapping: (h: string, from: string): string =>
    `State of host '${h}' changed from ${from} to AWAITING_RECOVERY (because it's flapping)`,
  becauseForce: (h: string, from: string, to: string): string =>
    `State of host '${h}' changed from ${from} to ${to} (because of move_role --force)`,
  flapping: (h: string): string => `Host ${h} is flapping!`,
  removingAll: (h: string): string => `Removing all roles from host '${h}':`,
  removingBalanced: (r: string, h: string): string => `Removing balanced role ${r} from host '${h}':`,
  removed: (role: string, h: string): string => `    Removed role '${role}' from host '${h}'`,
  orphanAssigned: (role: string, h: string): string => `Orphaned role '${role}' has been assigned to '${h}'`,
  toPreferred: (role: string, from: string, to: string): string =>
    `Moving role '${role}' from host '${from}' to preferred host '${to}'`,
  balanceMove: (role: string, from: string, to: string): string =>
    `Moving role '${role}' from host '${from}' to host '${to}'`,
  agentDown: (h: string): string => `Can't reach agent on host '${h}'`,
  agentBack: (h: string): string => `Agent on host '${h}' is reachable again`,
  killing: (h: string): string => `Can't send offline status notification to '${h}' - killing it!`,
  adminState: (h: string, from: string, to: string): string => `Admin changed state of '${h}' from ${from} to ${to}`,
  adminMoved: (r: string, from: string, to: string): string => `Admin moved role '${r}' from '${from}' to '${to}'`,
  adminForced: (r: string, from: string, to: string): string =>
    `Admin forced move of role '${r}' from '${from}' to '${to}'`,
  adminSetIp: (r: string, ip: string, h: string): string => `Admin set role '${r}(${ip})' to host '${h}'`,
  adminMode: (from: string, to: string): string => `Admin changed mode from '${from}' to '${to}'`,
  waitBothOnline: (a: string, b: string): string =>
    `Nodes ${a} and ${b} are ONLINE, switching from mode 'WAIT' to 'ACTIVE'.`,
  waitTimeout: (dead: string, waitS: number): string =>
    `Master ${dead} did not come online for ${intOf(waitS)}(wait_for_other_master) seconds. ` +
    `Switching from mode 'WAIT' to 'ACTIVE'`,
  roleRemovedFromConfig: (role: string): string => `Detected change in role definitions: Role '${role}' was removed.`,
  hostCantHandle: (h: string, role: string): string =>
    `Detected change in role definitions: Host '${h}' can't handle role '${role}' anymore.`,
  configuredOnMany: (role: string, n: number): string =>
    `Role '${role}' was configured on ${n} hosts during monitor startup.`,
  agentStatusUnknown: (h: string, answer: string): string =>
    `The status of the agent on host '${h}' could not be determined (answer was: ${answer}).`,
  systemStatusUnknown: (h: string, answer: string): string =>
    `The status of the system '${h}' could not be determined (answer was: ${answer}).`,
  startedIn: (mode: string): string => `Monitor started in ${mode.toLowerCase()} mode.`,
  unknownStoredHost: (h: string): string => `Ignoring saved status information for unknown host '${h}'`,
} as const;
