import { LocalMlflowServer, type LocalServerOptions } from './localServer';
import { RestStore } from './rest/restStore';
import type { RestOptions } from './rest/restOptions';
import { storeKindOf } from './trackingUri';

/**
 * A database store (sqlite, postgresql, mysql, mssql) opened through a LocalMlflowServer we own:
 * the full Store over REST, and closing it stops the server.
 */
export class LocalServerStore extends RestStore {
  private constructor(
    uri: string,
    readonly server: LocalMlflowServer,
    rest: RestOptions,
  ) {
    super(server.url, rest, { uri, kind: storeKindOf(uri) === 'sqlite' ? 'sqlite' : 'rest' });
    this.onClosed(() => server.stop());
  }

  static async open(uri: string, opts: Omit<LocalServerOptions, 'backendStoreUri'> & { rest?: RestOptions }): Promise<LocalServerStore> {
    const { rest, ...serverOpts } = opts;
    const server = await LocalMlflowServer.start({ ...serverOpts, backendStoreUri: uri });
    // Our own server restarts within seconds when it dies: retry long enough to ride that out,
    // not the four minutes MLflow's client allows a remote server.
    return new LocalServerStore(uri, server, { maxRetries: 6, backoffFactor: 1, backoffJitter: 0.5, timeoutMs: 120_000, ...rest });
  }
}
