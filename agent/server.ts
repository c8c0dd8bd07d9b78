// The agent's HTTP API (common/api/agent.ts) on the shared server factory: authentication, validation and the
// error shape come from common/http; each route forwards to the Agent. No listen here (main.ts does that).
import {
  AGENT_ROUTES,
  CATCH_UP_SCHEMA,
  DESIRED_STATE_SCHEMA,
  FENCE_SCHEMA,
  PROMOTE_SCHEMA,
  REPOINT_SCHEMA,
  type CatchUpRequest,
  type DesiredState,
  type FenceRequest,
  type PromoteRequest,
  type RepointRequest,
} from '../common/api/agent.js';
import type { HttpAuth } from '../common/http/auth.js';
import { createHttpServer, type HttpServer } from '../common/http/server.js';
import type { Logger } from '../common/log/index.js';
import type { Agent } from './agent.js';

export interface AgentAppOptions {
  readonly agent: Agent;
  readonly auth: HttpAuth;
  readonly logger: Logger;
  readonly bodyLimit?: number;
}

export async function buildAgentApp(opts: AgentAppOptions): Promise<HttpServer> {
  const app = await createHttpServer({
    auth: opts.auth,
    logger: opts.logger,
    ...(opts.bodyLimit === undefined ? {} : { bodyLimit: opts.bodyLimit }),
  });
  const { agent } = opts;
  const r = AGENT_ROUTES;

  app.get(r.status.path, () => agent.status());
  app.get(r.lease.path, () => agent.leaseAnswer());
  app.get(r.disks.path, () => agent.disksAnswer());
  app.put<{ Body: DesiredState }>(r.desiredState.path, { schema: { body: DESIRED_STATE_SCHEMA } }, (req) =>
    agent.applyDesired(req.body),
  );
  app.post<{ Body: FenceRequest }>(r.fence.path, { schema: { body: FENCE_SCHEMA } }, (req) => agent.fence(req.body));
  app.post<{ Body: CatchUpRequest }>(r.catchUp.path, { schema: { body: CATCH_UP_SCHEMA } }, (req) =>
    agent.catchUp(req.body),
  );
  app.post<{ Body: PromoteRequest }>(r.promote.path, { schema: { body: PROMOTE_SCHEMA } }, (req) =>
    agent.promote(req.body),
  );
  app.post<{ Body: RepointRequest }>(r.repoint.path, { schema: { body: REPOINT_SCHEMA } }, (req) =>
    agent.repoint(req.body),
  );
  return app;
}
