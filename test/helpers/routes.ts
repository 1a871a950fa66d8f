import type { Express } from 'express';

export interface RouteInfo {
  method: string;
  path: string;
  /** The route's own middleware and handlers, in order (not the routers' it is mounted under). */
  handlers: ((...args: never[]) => unknown)[];
}

interface LayerLike {
  route?: {
    path: string | string[];
    methods: Record<string, boolean>;
    stack?: { handle: (...args: never[]) => unknown }[];
  };
  handle?: { stack?: LayerLike[] };
  rawPath?: string | string[];
  slash?: boolean;
}

function walk(stack: LayerLike[], prefix: string, out: RouteInfo[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const p of paths) {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && method !== '_all')
            out.push({
              method: method.toUpperCase(),
              path: prefix + p,
              handlers: (layer.route.stack ?? []).map((l) => l.handle),
            });
        }
      }
    } else if (layer.handle?.stack) {
      const mount = layer.slash || typeof layer.rawPath !== 'string' ? '' : layer.rawPath;
      walk(layer.handle.stack, prefix + mount, out);
    }
  }
}

/** Every route the app answers, with its full path (mount prefixes included). */
export function listRoutes(app: Express): RouteInfo[] {
  const router = (app as unknown as { router: { stack: LayerLike[] } }).router;
  const out: RouteInfo[] = [];
  walk(router.stack, '', out);
  const seen = new Set<string>();
  return out.filter((r) => {
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
