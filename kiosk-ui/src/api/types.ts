/** Response shapes of the kiosk API (the kiosk routes in gateway/routes/kiosk.ts); the hc client checks paths and bodies. */
export type Channel = "email" | "sms";
export type Lang = "pl" | "en" | "uk";
export type ConsentCombination = "email+sms" | "email" | "sms" | "none";

export interface ConsentTexts {
  processing: string;
  email: string;
  sms: string;
  controller: string;
  withdrawal: string;
}

export interface KioskConfig {
  kioskId: string;
  cooperative: { name: string; shortName: string; officePhone: string; officeEmail: string; website: string };
  languages: Lang[];
  categoryChannels: Record<string, Channel[]>;
  graceDays: number;
  electronicStartDate: string;
  paymentDemandsOnPaper: boolean;
  /** Where each category goes, per language and consent combination, from the router's table. */
  channelTexts: Record<Lang, Record<ConsentCombination, string[]>>;
  consent: { version: string; texts: Partial<Record<Lang, ConsentTexts>> };
  idle: { warnSeconds: number; wipeSeconds: number };
  ownerCodeLength: number;
}

export interface Flat {
  code: string;
  number: string;
}
export interface Staircase {
  name: string;
  flats: Flat[];
}
export interface Building {
  id: string;
  address: string;
  staircases: Staircase[];
}
export interface Directory {
  buildings: Building[];
}

export interface StatusView {
  enrolled: boolean;
  status: "none" | "active" | "withdrawn" | "rejected";
  youAreRecipient: boolean;
  email: string | null;
  mobile: string | null;
  channels: Channel[];
  unverified?: Channel[];
  electronicFrom: { email: string | null; sms: string | null };
}

export interface Identified {
  session: string;
  owner: { firstName: string; surname: string };
  flat: { code: string; label: string };
  status: StatusView;
}

export interface Receipt {
  number: string;
  qr: string;
}

export interface EnrolResult {
  kind: "enrolled" | "contacts_updated" | "recipient_replaced";
  eventSeq: number;
  electronicFrom: string | null;
  paperUntil: string | null;
  /** Null when the gateway runs without receipts (the office then posts a confirmation). */
  receipt: Receipt | null;
  status: StatusView;
}

export interface WithdrawResult {
  eventSeq: number;
  receipt: Receipt | null;
  status: StatusView;
}

export interface VerificationStarted {
  id: string;
  channel: Channel;
  to: string;
  expiresAt: string;
  resendAfterSeconds: number;
}

export interface EmailCheck {
  valid: boolean;
  normalized: string;
  suggestion?: string;
  reason?: string;
}
export interface MobileCheck {
  valid: boolean;
  e164?: string;
  reason?: string;
}

export interface PrintStatus {
  status: "printed" | "failed" | "pending";
  reason?: string;
}
