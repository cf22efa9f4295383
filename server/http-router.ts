import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './http-json';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
}

export type RouteHandler = (ctx: RouteContext) => Promise<void> | void;

export type RouteMatch =
  | { kind: 'found'; handler: RouteHandler; params: Record<string, string> }
  | { kind: 'method_not_allowed'; allowed: string[] }
  | { kind: 'not_found' };

interface Route {
  method: string;
  segments: string[];
  handler: RouteHandler;
}

/** A tiny exact-segment router (`:name` captures one segment); enough for a dozen routes. */
export interface Router {
  add(method: string, pattern: string, handler: RouteHandler): void;
  match(method: string, pathname: string): RouteMatch;
}

export function createRouter(): Router {
  const routes: Route[] = [];
  return {
    add(method, pattern, handler) {
      routes.push({ method, segments: split(pattern), handler });
    },
    match(method, pathname) {
      const parts = split(pathname).map(decodeSegment);
      const allowed: string[] = [];
      for (const route of routes) {
        const params = matchSegments(route.segments, parts);
        if (!params) continue;
        if (route.method === method) return { kind: 'found', handler: route.handler, params };
        allowed.push(route.method);
      }
      return allowed.length > 0 ? { kind: 'method_not_allowed', allowed } : { kind: 'not_found' };
    },
  };
}

function split(path: string): string[] {
  return path.split('/').filter((part) => part.length > 0);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'bad_request', 'Malformed path');
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | null {
  if (pattern.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i] ?? '';
    const actual = parts[i] ?? '';
    if (expected.startsWith(':')) params[expected.slice(1)] = actual;
    else if (expected !== actual) return null;
  }
  return params;
}
