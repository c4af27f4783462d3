/**
 * Per-service work queue of the live loop: one job at a time per service (a sync, a compile, a pod's reconcile never
 * overlap for the same containers), and jobs with the same key waiting behind a running one merge into one, so a
 * burst of edits during a 10 s compile or an npm install runs once more, not once per edit. Jobs of different
 * services run side by side.
 */

export interface QueuedJob<T> {
  /** Jobs with equal keys merge while waiting (e.g. the rule id, "compile", "pod/<name>"). */
  readonly key: string;
  readonly payload: T;
}

export interface LiveQueue<T> {
  push(service: string, job: QueuedJob<T>): void;
  /** Resolves when every service's queue is empty. */
  idle(): Promise<void>;
  /** Drops waiting jobs; running ones finish. */
  clear(): void;
}

export const createLiveQueue = <T>(run: (service: string, payload: T) => Promise<void>, merge: (waiting: T, next: T) => T): LiveQueue<T> => {
  const waiting = new Map<string, Map<string, T>>();
  const running = new Map<string, Promise<void>>();

  const drain = async (service: string): Promise<void> => {
    for (;;) {
      const jobs = waiting.get(service);
      const first = jobs?.entries().next();
      if (jobs === undefined || first === undefined || first.done === true) break;
      const [key, payload] = first.value;
      jobs.delete(key);
      try {
        await run(service, payload);
      } catch {
        // run reports its own failures (as traces); a throw must not stall the queue.
      }
    }
    waiting.delete(service);
    running.delete(service);
  };

  return {
    push(service, job) {
      const jobs = waiting.get(service) ?? new Map<string, T>();
      waiting.set(service, jobs);
      const before = jobs.get(job.key);
      jobs.set(job.key, before === undefined ? job.payload : merge(before, job.payload));
      if (!running.has(service)) running.set(service, drain(service));
    },
    async idle() {
      while (running.size > 0) await Promise.all(running.values());
    },
    clear() {
      for (const jobs of waiting.values()) jobs.clear();
    },
  };
};
