/**
 * Resolves when `work` settles (fulfilled or rejected) or after `ms`,
 * whichever comes first; never rejects. For work that should go after
 * another piece of work, but never wait on it for long (#14).
 */
export function settledWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    work.then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
