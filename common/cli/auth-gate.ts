// What a daemon says when the APIs would run without authentication (socket type plain): the two config lines
// to add, in both formats, and how to create the token; or, with --insecure, a loud warning.
import type { Config } from '../config/index.js';

export const SUGGESTED_TOKEN_FILE = '/etc/mysql-mmm/mmm_token';

export function authGateMessage(program: string, format: Config['source']['format']): string {
  const mmm = ['    type        token', `    token_file  ${SUGGESTED_TOKEN_FILE}`];
  const yaml = ['    type: token', `    token_file: ${SUGGESTED_TOKEN_FILE}`];
  const [first, second] = format === 'mmm' ? [mmm, yaml] : [yaml, mmm];
  const where = (f: 'mmm' | 'yaml'): string =>
    f === 'mmm'
      ? 'to the <socket> section of mmm_common.conf (MMM format; create <socket> ... </socket> if missing):'
      : 'under socket: in the YAML configuration:';
  const other = format === 'mmm' ? 'yaml' : 'mmm';
  return [
    'refusing to start: no authentication is configured (socket type plain), so anyone who can reach the',
    'monitor and agent ports could take the writer role. Add these two lines',
    where(format),
    ...first,
    `or ${where(other)}`,
    ...second,
    `and put the same random token on every host: (umask 077; openssl rand -hex 32 > ${SUGGESTED_TOKEN_FILE})`,
    'For a lab only, --insecure starts without authentication.',
  ].join('\n');
}

export function insecureWarning(): string {
  return 'WARNING: --insecure: the monitor and agent APIs accept commands from anyone who can reach them. Labs only!';
}
