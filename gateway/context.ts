/** Everything a route or worker may need, built once in runtime.ts and passed down. */
import type { OpenedDb } from "../db/client.ts";
import type { CoreDeps } from "./deps.ts";
import type { HealthRegistry } from "./health.ts";
import type { ConsentRegister } from "./services/register.ts";

export interface GatewayContext extends CoreDeps {
  database: OpenedDb;
  register: ConsentRegister;
  health: HealthRegistry;
  /** Directory of the built kiosk UI (served at `/`). */
  uiDir: string;
}
