import { withTransaction, type KitLogger } from '@ventas/service-kit';
import type { Pool } from 'pg';
import type { EventPublisher, SaleCreatedEvent } from './sale-events';

export interface OutboxOptions {
  /** Events per transaction. */
  batchSize?: number;
  /** Wait before the first retry of a failed event; doubles per attempt, at most maxRetryDelayMs. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
}

export interface DrainResult {
  published: number;
  failed: number;
}

/**
 * Publishes the outbox (`outbox_events`, written in the sale's transaction) at least once. Rows are claimed with
 * FOR UPDATE SKIP LOCKED, so several replicas drain side by side without sending an event twice at the same
 * time; a failed publish is recorded (attempts, last_error) and tried again after a growing delay, so an event
 * whose broker was down is published once it comes back, not lost. Consumers deduplicate on saleId.
 */
export class Outbox {
  private readonly batchSize: number;
  private readonly retryDelayMs: number;
  private readonly maxRetryDelayMs: number;

  constructor(
    private readonly pool: Pool,
    readonly publisher: EventPublisher,
    private readonly log: KitLogger,
    options: OutboxOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 20;
    this.retryDelayMs = options.retryDelayMs ?? 1000;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 60000;
  }

  /** Tries one event now (right after its sale was committed). True when it is published (by anyone). */
  async publishNow(eventId: string): Promise<boolean> {
    const result = await this.publishWhere('id = $1', [eventId]);
    if (result.published) return true;
    const row = await this.pool.query('SELECT published_at FROM outbox_events WHERE id = $1', [eventId]);
    return row.rows[0]?.published_at != null;
  }

  /** Publishes every due event, batch after batch, until none is left or a batch publishes nothing. */
  async drain(): Promise<DrainResult> {
    const total: DrainResult = { published: 0, failed: 0 };
    for (;;) {
      const batch = await this.publishWhere('next_attempt_at <= now()', []);
      total.published += batch.published;
      total.failed += batch.failed;
      if (batch.published === 0 || batch.published + batch.failed < this.batchSize) return total;
    }
  }

  private publishWhere(condition: string, params: unknown[]): Promise<DrainResult> {
    return withTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ id: string; payload: SaleCreatedEvent; attempts: number }>(
        `SELECT id, payload, attempts FROM outbox_events
         WHERE published_at IS NULL AND ${condition}
         ORDER BY id LIMIT ${this.batchSize} FOR UPDATE SKIP LOCKED`,
        params,
      );
      const result: DrainResult = { published: 0, failed: 0 };
      for (const row of rows) {
        try {
          await this.publisher.publish(row.payload);
          await client.query(
            'UPDATE outbox_events SET published_at = now(), attempts = attempts + 1 WHERE id = $1',
            [row.id],
          );
          result.published++;
        } catch (err) {
          const delayMs = Math.min(this.retryDelayMs * 2 ** row.attempts, this.maxRetryDelayMs);
          await client.query(
            `UPDATE outbox_events SET attempts = attempts + 1, last_error = $2,
               next_attempt_at = now() + make_interval(secs => $3::double precision / 1000)
             WHERE id = $1`,
            [row.id, String((err as Error).message ?? err).slice(0, 1000), delayMs],
          );
          result.failed++;
          this.log.error(
            {
              err: (err as Error).message,
              eventId: row.id,
              saleId: row.payload.saleId,
              attempt: row.attempts + 1,
              retryInMs: delayMs,
            },
            'outbox event could not be published; it will be tried again',
          );
        }
      }
      return result;
    });
  }
}
