/** Helpers for office API tests: a real HTTP server on 127.0.0.1 and register writes as the kiosk makes them. */
import type { ElectronicChannel } from "../domain/categories.ts";
import type { ConsentEvent } from "../domain/registerEvents.ts";
import type { TestGateway } from "./harness.ts";

export interface Served {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Serves a fetch handler on a free port (Bun's server; tests run under Bun). */
export function serve(fetch: (request: Request) => Response | Promise<Response>): Served {
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch, idleTimeout: 30 });
  return {
    url: `http://127.0.0.1:${server.port}`,
    port: server.port as number,
    stop: async () => {
      await server.stop(true);
    },
  };
}

/** Appends an enrolment the way the kiosk does: the register event inside a transaction. */
export function enrolDirect(
  gw: TestGateway,
  flat: string,
  ownerId: string,
  contacts: { email?: string; mobile?: string; channels?: ElectronicChannel[]; language?: string },
  at?: string,
): ConsentEvent {
  const channels =
    contacts.channels ??
    ([contacts.email ? "email" : null, contacts.mobile ? "sms" : null].filter(Boolean) as ElectronicChannel[]);
  return gw.ctx.db.transaction((tx) =>
    gw.ctx.register.append(
      tx,
      {
        type: "enrolled",
        payload: {
          ...(contacts.email ? { email: contacts.email } : {}),
          ...(contacts.mobile ? { mobile: contacts.mobile } : {}),
          channels,
          consentVersion: gw.config.consent.version,
          kioskId: gw.config.kioskId,
          ...(contacts.language ? { language: contacts.language } : {}),
        },
      },
      flat,
      ownerId,
      at,
    ),
  );
}

/** Counts rows of a table (raw SQL for assertions). */
export function countRows(gw: TestGateway, sql: string, ...params: Array<string | number>): number {
  return (gw.ctx.database.sqlite.query(sql).get(...params) as { n: number }).n;
}
