/**
 * A TCP proxy for fault injection (issue #6): the extension (or the background
 * under test) talks to the proxy's URL, the proxy forwards bytes to the
 * reference server, and a test breaks the path in the ways a real network
 * does:
 *
 * - `reset()`: every open connection is torn down with a TCP RST on both sides
 *   (`socket.resetAndDestroy()`), like a NAT or load balancer dropping state.
 * - `blackhole()`: connections stay open but no byte is forwarded either way,
 *   and new connections are accepted and then ignored, like a dead Wi-Fi
 *   uplink or a silently dropped route. Only a timeout can detect it.
 * - `setLatency(ms)`: every chunk is delayed by `ms` (order kept), like a
 *   congested link.
 * - `resume()`: forwarding (and latency 0) is back; connections that were
 *   blackholed stay open and flow again, like a route that came back.
 *
 * Plain `node:net`, no dependency: what it does is visible here.
 */
import net from 'node:net';

export interface ProxyStats {
  /** Client connections accepted since start. */
  accepted: number;
  /** Connections open right now. */
  open: number;
  /** Connections torn down by `reset()`. */
  resets: number;
  /** Bytes forwarded client → server and server → client. */
  bytesUp: number;
  bytesDown: number;
}

export interface TcpProxy {
  /** `http://127.0.0.1:<port>`: point the client here. */
  url: string;
  port: number;
  /** RST every open connection (both legs). New connections are still accepted. */
  reset(): number;
  /** Stop forwarding without closing anything. */
  blackhole(): void;
  /** Delay every chunk by `ms` in both directions. */
  setLatency(ms: number): void;
  /** Forward again, with no added latency. */
  resume(): void;
  mode(): 'forward' | 'blackhole';
  stats(): ProxyStats;
  close(): Promise<void>;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
}

/** Starts a proxy on 127.0.0.1 (random port) in front of `target` (`host:port`). */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let state: 'forward' | 'blackhole' = 'forward';
  let latencyMs = 0;
  const stats: ProxyStats = { accepted: 0, open: 0, resets: 0, bytesUp: 0, bytesDown: 0 };

  // One ordered queue per direction: with latency, chunk n+1 must not overtake chunk n,
  // and in blackhole mode bytes are dropped, not buffered (a dead path loses them).
  function pipe(from: net.Socket, to: net.Socket, count: (n: number) => void): void {
    let chain = Promise.resolve();
    from.on('data', (chunk: Buffer) => {
      if (state === 'blackhole') return;
      // Latency is per chunk from its arrival: a burst is late, not slowed down.
      const due = Date.now() + latencyMs;
      chain = chain.then(async () => {
        const wait = due - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        if (state === 'blackhole' || to.destroyed) return;
        count(chunk.length);
        to.write(chunk);
      });
    });
  }

  const server = net.createServer((client) => {
    stats.accepted += 1;
    stats.open += 1;
    client.setNoDelay(true);
    const upstream = net.connect({ host: target.host, port: target.port });
    upstream.setNoDelay(true);
    const pair: Pair = { client, upstream };
    pairs.add(pair);
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      pairs.delete(pair);
      stats.open -= 1;
      if (!client.destroyed) client.destroy();
      if (!upstream.destroyed) upstream.destroy();
    };
    // A closed (or refused) leg closes the other, like the real path would,
    // except while blackholed: then nothing at all reaches the other side.
    client.on('error', close);
    upstream.on('error', () => {
      if (state === 'blackhole') return;
      close();
    });
    client.on('close', close);
    upstream.on('close', () => {
      if (state === 'blackhole') return;
      close();
    });
    pipe(client, upstream, (n) => (stats.bytesUp += n));
    pipe(upstream, client, (n) => (stats.bytesDown += n));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    reset() {
      let count = 0;
      for (const pair of [...pairs]) {
        count += 1;
        stats.resets += 1;
        pairs.delete(pair);
        stats.open -= 1;
        for (const socket of [pair.client, pair.upstream]) {
          if (socket.destroyed) continue;
          // RST where the socket is connected; a half-open one is simply destroyed.
          if (typeof socket.resetAndDestroy === 'function' && socket.readyState === 'open') {
            socket.resetAndDestroy();
          } else {
            socket.destroy();
          }
        }
      }
      return count;
    },
    blackhole() {
      state = 'blackhole';
    },
    setLatency(ms) {
      latencyMs = Math.max(0, ms);
    },
    resume() {
      state = 'forward';
      latencyMs = 0;
      // The server gave up on a connection while the path was dead: when the path
      // returns, the client's next packet meets that closed connection (RST).
      for (const pair of [...pairs]) {
        if (pair.upstream.destroyed) {
          pairs.delete(pair);
          stats.open -= 1;
          pair.client.destroy();
        }
      }
    },
    mode: () => state,
    stats: () => ({ ...stats }),
    async close() {
      for (const pair of [...pairs]) {
        pair.client.destroy();
        pair.upstream.destroy();
      }
      pairs.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
