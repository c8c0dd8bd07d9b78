import { MmmError } from '../../../common/errors/index.js';

/** The MmmError a call rejected with; fails the test if it resolved or threw anything else. */
export async function failure(p: Promise<unknown>): Promise<MmmError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof MmmError) return e;
    throw e;
  }
  throw new Error('expected a failure');
}
