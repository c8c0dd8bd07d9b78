// The monitor API (common/api/monitor.ts): every mmm_control command, health and Prometheus metrics, all
// behind the cluster's authentication (common/http). Commands run against the live model of the daemon.
import type { CommandRequest, CommandResponse } from '../common/api/monitor.js';
import type { HttpAuth } from '../common/http/auth.js';
import { createHttpServer, type HttpServer } from '../common/http/server.js';
import type { Logger } from '../common/log/index.js';
import type { MonitorDaemon } from './daemon.js';
import { renderMetrics } from './prometheus.js';

const COMMAND_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['args'],
  properties: { args: { type: 'array', maxItems: 16, items: { type: 'string', maxLength: 256 } } },
} as const;

export async function createMonitorApi(daemon: MonitorDaemon, auth: HttpAuth, logger: Logger): Promise<HttpServer> {
  const app = await createHttpServer({ auth, logger });
  app.post<{ Body: CommandRequest }>('/v1/command', { schema: { body: COMMAND_SCHEMA } }, async (req) => {
    const res: CommandResponse = await daemon.command(req.body.args);
    req.log.info({ args: req.body.args, exitCode: res.exitCode }, 'command');
    return res;
  });
  // Dry run (issue 6): the plan a writer failover would run now, or why none would.
  app.get('/v1/failover-plan', async () => daemon.failoverPlan());
  app.get('/v1/health', () => ({ status: 'ok', mode: daemon.model.mode, epoch: daemon.epoch }));
  app.get('/metrics', async (_req, reply) => {
    const text = renderMetrics({
      config: daemon.config,
      model: daemon.model,
      checkResult: (h, c) => daemon.checkStatuses(h)[c]?.result,
      checks: daemon.checksMetrics(),
      tick: daemon.tickStats,
      epoch: daemon.epoch,
      disks: daemon.disks,
    });
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(text);
  });
  return app;
}
