/**
 * A TCP load balancer in front of the nodes, as a deployment has one: each new connection goes
 * to the next live backend in turn; a backend that refuses is skipped. Changing `backends`
 * steers new connections (open ones stay where they are until their node dies).
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface Balancer {
  url: string;
  /** `host:port` of the nodes that take new connections. */
  backends: { host: string; port: number }[];
  close(): Promise<void>;
}

export async function startBalancer(backends: { host: string; port: number }[]): Promise<Balancer> {
  const open = new Set<Socket>();
  let next = 0;
  const state = { backends };

  const dial = (client: Socket, attempt: number): void => {
    const list = state.backends;
    if (list.length === 0 || attempt >= list.length) {
      client.destroy();
      return;
    }
    const target = list[next++ % list.length];
    if (!target) {
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      open.add(upstream);
      upstream.on('close', () => open.delete(upstream));
      client.on('error', () => upstream.destroy());
      client.on('close', () => upstream.destroy());
      client.pipe(upstream).pipe(client);
      client.resume();
    });
    upstream.on('error', () => {
      upstream.destroy();
      if (connected) client.destroy();
      else dial(client, attempt + 1); // refused: that node is down, try the next one
    });
  };

  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    dial(client, 0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get backends() {
      return state.backends;
    },
    set backends(list) {
      state.backends = list;
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
