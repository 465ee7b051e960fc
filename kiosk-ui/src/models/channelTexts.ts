/**
 * Where each category of correspondence goes for a set of channels, as sentences the gateway
 * renders from the router's own table (never written in the kiosk's catalogue).
 */
import type { Channel, ConsentCombination } from "../api/types.ts";
import { lang } from "../i18n/index.ts";
import { config } from "./kiosk.ts";

function combinationOf(channels: readonly Channel[]): ConsentCombination {
  if (channels.includes("email") && channels.includes("sms")) return "email+sms";
  if (channels.includes("email")) return "email";
  if (channels.includes("sms")) return "sms";
  return "none";
}

export function channelLines(channels: readonly Channel[]): string[] {
  return config.value?.channelTexts[lang.value]?.[combinationOf(channels)] ?? [];
}
