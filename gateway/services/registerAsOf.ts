/** Every flat's consent state at a moment (or now), as the office sees it. */

import type { CoreDeps } from "../deps.ts";
import type { FlatConsent } from "../domain/consentState.ts";
import { localMidnight } from "../domain/routing.ts";
import { KioskError } from "../errors.ts";
import type { ConsentRegister } from "./register.ts";

/** A bare date means the end of that day in the cooperative's time zone. */
export function resolveAsOf(asOf: string | undefined, timezone: string): string | null {
  if (!asOf) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(asOf)) {
    const next = new Date(Date.parse(`${asOf}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    return new Date(localMidnight(next, timezone) - 1).toISOString();
  }
  const at = Date.parse(asOf);
  if (Number.isNaN(at)) throw new KioskError("BAD_REQUEST", "as_of must be an ISO date or date-time");
  return new Date(at).toISOString();
}

export function registerAsOf(
  deps: Pick<CoreDeps, "config"> & { register: ConsentRegister },
  input: { asOf?: string; flat?: string },
): { as_of: string | null; flats: FlatConsent[] } {
  const asOf = resolveAsOf(input.asOf, deps.config.timezone);
  const flats = input.flat
    ? [deps.register.stateOf(input.flat, asOf)]
    : [...deps.register.allStates(asOf).values()].sort((a, b) => a.flatCode.localeCompare(b.flatCode));
  return { as_of: asOf, flats };
}
