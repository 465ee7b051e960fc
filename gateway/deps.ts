/** The dependencies passed to every service verb: no singletons. */
import type { Db } from "../db/client.ts";
import type { Clock } from "./clock.ts";
import type { Config } from "./config.ts";
import type { Logger } from "./logger.ts";

export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

export interface CoreDeps {
  db: Db;
  clock: Clock;
  config: Config;
  logger: Logger;
}
