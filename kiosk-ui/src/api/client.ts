/** The kiosk's calls to the gateway, one function per route, through the typed `hc` client. */
import { hc } from "hono/client";
import type { KioskApi } from "../../../gateway/app.ts";
import { lang } from "../i18n/index.ts";
import { timedFetch, unwrap } from "./http.ts";
import type {
  Channel,
  ContactCheck,
  Directory,
  EnrolResult,
  Identified,
  KioskConfig,
  Lang,
  PrintStatus,
  StatusAnswer,
  VerificationConfirmed,
  VerificationStarted,
  WithdrawResult,
} from "./types.ts";

const api = hc<KioskApi>("/api/v1", { fetch: timedFetch });

export const kioskApi = {
  config: () => unwrap<KioskConfig>(api.kiosk.config.$get()),
  /** Asked by the out-of-service screen until the gateway can take applications again. */
  service: () => unwrap<{ inService: boolean }>(api.kiosk.service.$get()),
  directory: () => unwrap<Directory>(api.kiosk.directory.$get()),
  identify: (json: { flatCode: string; surname: string; ownerCode: string }) =>
    unwrap<Identified>(api.kiosk.identify.$post({ json })),
  status: (session: string) => unwrap<StatusAnswer>(api.kiosk.status.$get({ query: { session } })),
  enrol: (json: {
    session: string;
    idempotencyKey: string;
    email?: string;
    mobile?: string;
    channels: Channel[];
    consents: { processing: true; email: boolean; sms: boolean };
    consentVersion: string;
    verifications: { email?: string; sms?: string };
    unverified?: Channel[];
    keep?: Channel[];
    language: Lang;
  }) => unwrap<EnrolResult>(api.kiosk.enrolments.$post({ json })),
  withdraw: (json: { session: string; idempotencyKey: string; channels: Channel[] | "all"; language: Lang }) =>
    unwrap<WithdrawResult>(api.kiosk.withdrawals.$post({ json })),
  endSession: (session: string) => unwrap<void>(api.kiosk.session.end.$post({ json: { session } })),
  /** The code message is written in the language the resident is using now. */
  startVerification: (json: { session: string; channel: Channel; to: string }) =>
    unwrap<VerificationStarted>(api.verifications.$post({ json: { ...json, language: lang.value } })),
  confirmVerification: (id: string, code: string) =>
    unwrap<VerificationConfirmed>(api.verifications[":id"].confirm.$post({ param: { id }, json: { code } })),
  checkContacts: (json: { email?: string; mobile?: string }) =>
    unwrap<ContactCheck>(api.contacts.check.$post({ json })),
  receiptStatus: (number: string) => unwrap<PrintStatus>(api.receipts[":number"].status.$get({ param: { number } })),
};
