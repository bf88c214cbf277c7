/**
 * Runs `task` when fewer than the limiter's concurrency are running, else queues it (FIFO).
 * Resolves or rejects with the task's own result; a rejected task frees its slot like a resolved one.
 */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

/**
 * A concurrency limiter (the few lines of `p-limit` the analyst needs): at most `concurrency` tasks
 * run at once, the rest wait in arrival order. `active()`/`pending()` are for metrics and tests.
 * @throws RangeError when `concurrency` is not an integer ≥ 1.
 */
export function createLimiter(concurrency: number): Limiter & { active(): number; pending(): number } {
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError(`concurrency must be an integer >= 1, got ${concurrency}`);
  let running = 0;
  const queue: (() => void)[] = [];
  const release = (): void => {
    running -= 1;
    const next = queue.shift();
    if (next !== undefined) next();
  };
  const limit = <T>(task: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const start = (): void => {
        running += 1;
        // A synchronous throw inside `task` must free the slot too, hence the wrapping promise.
        new Promise<T>((res) => res(task())).then(resolve, reject).finally(release);
      };
      if (running < concurrency) start();
      else queue.push(start);
    });
  return Object.assign(limit, { active: () => running, pending: () => queue.length });
}
