/** Every flat's consent state at a moment (or now), as the office sees it. */

import type { CoreDeps } from "../deps.ts";
import type { FlatConsent } from "../domain/consentState.ts";
import { resolveOfficeDate } from "../domain/officeDate.ts";
import { KioskError } from "../errors.ts";
import type { ConsentRegister } from "./register.ts";

/** `as_of` as a UTC instant: a date alone means the end of that day in the cooperative's zone. */
export function resolveAsOf(asOf: string | undefined, timezone: string): string | null {
  if (!asOf) return null;
  const at = resolveOfficeDate(asOf, timezone, "end");
  if (at === null) throw new KioskError("BAD_REQUEST", "as_of must be an ISO 8601 date or date-time on the calendar");
  return at;
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
