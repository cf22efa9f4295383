import { useEffect, useState } from 'react';

/**
 * The local clock, re-read every `intervalMs`, for ages ("2 min ago") and
 * staleness. Only components that show time-dependent text use it.
 */
export function useNow(intervalMs = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs]);
  return now;
}
