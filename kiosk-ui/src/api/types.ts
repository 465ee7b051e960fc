/**
 * Response shapes of the kiosk API, inferred from the gateway's kiosk routes through the typed
 * `hc` client (gateway/app.ts `KioskApi`): a change in a route's answer is a type error here,
 * never a silent drift. Only the names the screens and models use are given.
 */
import type { hc, InferResponseType } from "hono/client";
import type { SuccessStatusCode } from "hono/utils/http-status";
import type { KioskApi } from "../../../gateway/app.ts";

type Api = ReturnType<typeof hc<KioskApi>>;
/** The body of a route's successful answer (`status` is what the route sends on success). */
// biome-ignore lint/suspicious/noExplicitAny: any endpoint function of the client
type Answer<Endpoint extends (...args: any[]) => unknown, Status extends SuccessStatusCode = 200> = InferResponseType<
  Endpoint,
  Status
>;

export type KioskConfig = Answer<Api["kiosk"]["config"]["$get"]>;
export type Directory = Answer<Api["kiosk"]["directory"]["$get"]>;
export type Identified = Answer<Api["kiosk"]["identify"]["$post"]>;
export type StatusAnswer = Answer<Api["kiosk"]["status"]["$get"]>;
export type EnrolResult = Answer<Api["kiosk"]["enrolments"]["$post"], 201>;
export type WithdrawResult = Answer<Api["kiosk"]["withdrawals"]["$post"], 201>;
export type VerificationStarted = Answer<Api["verifications"]["$post"], 201>;
export type VerificationConfirmed = Answer<Api["verifications"][":id"]["confirm"]["$post"]>;
export type ContactCheck = Answer<Api["contacts"]["check"]["$post"]>;
export type PrintStatus = Answer<Api["receipts"][":number"]["status"]["$get"]>;

export type StatusView = Identified["status"];
export type Receipt = EnrolResult["receipt"];
export type EmailCheck = NonNullable<ContactCheck["email"]>;
export type MobileCheck = NonNullable<ContactCheck["mobile"]>;
export type Lang = KioskConfig["languages"][number];
export type Channel = StatusView["channels"][number];
export type ConsentCombination = keyof KioskConfig["channelTexts"]["pl"];
