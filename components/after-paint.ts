/**
 * Runs `fn` once the next frame is painted: a frame callback, then a task
 * (the frame's paint comes between them). Where there are no frames (a test
 * DOM without them), in the next task. Returns a function that cancels it.
 * The popup's entry, the history backfill and the search's second step use
 * it to put work after a frame (#14).
 */
export function afterNextPaint(fn: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (typeof requestAnimationFrame !== 'function') {
    timer = setTimeout(fn, 0);
    return () => clearTimeout(timer);
  }
  const frame = requestAnimationFrame(() => {
    timer = setTimeout(fn, 0);
  });
  return () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}
