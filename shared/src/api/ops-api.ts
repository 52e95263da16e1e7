import { z } from 'zod';

/** GET /healthz: the process answers. */
export const healthReply = z.strictObject({ ok: z.literal(true) });

/**
 * GET /readyz (200 when `ok`, else 503). Each check is `ok` or a short fixed reason
 * (`starting`, `stopping`, `failed`, `timeout`, `missing`); never an error text.
 */
export const readinessReply = z.strictObject({
  ok: z.boolean(),
  checks: z.record(z.string(), z.string()),
});
export type ReadinessReply = z.infer<typeof readinessReply>;
