/**
 * Optional instrumentation: when a `ProfilerOnRenderCallback` is provided
 * here, each unit row renders inside a React `<Profiler id={unitId}>` (within its memo boundary) so
 * tests (and a developer chasing a slow popup) can count row renders.
 * Absent by default; costs nothing then.
 */
import { createContext, type ProfilerOnRenderCallback } from 'react';

export const RowProfilerContext = createContext<ProfilerOnRenderCallback | null>(null);
