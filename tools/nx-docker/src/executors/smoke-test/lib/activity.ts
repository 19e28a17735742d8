import { setTimeout as sleep } from 'node:timers/promises';
import type { FollowedDocker } from '../../../lib/docker/docker';
import type { SmokeSession } from './run-session';

/**
 * What ended a wait: the container printed something, its log stream ended (it stopped), or neither; 'ask' when
 * nothing follows the container, so only Docker can tell whether it still runs.
 */
export type Wake = 'output' | 'ended' | 'quiet' | 'ask';

/** Lets a wait sleep until the container does something, instead of asking Docker at a fixed pace. */
export interface Activity {
  /** Resolves within `ms`, at once if the container printed something since the last call or has stopped. */
  next(ms: number, signal?: AbortSignal): Promise<Wake>;
}

/** Knows nothing about the container: every wait sleeps its whole time. */
export const NO_ACTIVITY: Activity = {
  next: async (ms, signal) => {
    await sleep(ms, undefined, { signal });
    return 'quiet';
  },
};

/**
 * Follows nothing: every wait sleeps its whole time, then has the caller ask Docker whether the container still
 * runs. For waits whose tries end by themselves when the container stops (a loop in one docker exec), so that
 * question comes only after a try that failed early, and no `docker logs --follow` runs idle beside them.
 */
export const ASK_DOCKER: Activity = {
  next: async (ms, signal) => {
    await sleep(ms, undefined, { signal });
    return 'ask';
  },
};

/**
 * A container's activity, read from one `docker logs --follow --tail 0` for the whole wait, instead of asking
 * Docker at a fixed pace (a `docker inspect` costs about 0.08 s of CPU on 2 cores). The stream ends when the
 * container stops, so an exit is seen at once; new output wakes a wait that checks the log (readyLog).
 */
export class ContainerActivity implements Activity {
  private unseenOutput = false;
  private streamEnded = false;
  private endReported = false;
  private wakeUp: (() => void) | null = null;
  private readonly followed: FollowedDocker;

  constructor(session: Pick<SmokeSession, 'follow'>, container: string) {
    this.followed = session.follow(['logs', '--follow', '--tail', '0', container], () => {
      this.unseenOutput = true;
      this.wakeUp?.();
    });
    void this.followed.ended.then(() => {
      this.streamEnded = true;
      this.wakeUp?.();
    });
  }

  async next(ms: number, signal?: AbortSignal): Promise<Wake> {
    if (!this.unseenOutput && !this.streamEnded) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          this.wakeUp = null;
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener('abort', done);
        this.wakeUp = done;
      });
      signal?.throwIfAborted();
    }
    if (this.streamEnded) {
      // Reported at once the first time; after that (the stream is gone, the container may still run) the
      // caller asks Docker after every full wait, as without a stream.
      if (this.endReported) await sleep(ms, undefined, { signal });
      this.endReported = true;
      return 'ended';
    }
    if (!this.unseenOutput) return 'quiet';
    this.unseenOutput = false;
    return 'output';
  }

  stop(): void {
    this.followed.stop();
  }
}
