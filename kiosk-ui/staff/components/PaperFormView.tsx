import { useState } from "preact/hooks";
import { type Answer, ApiError, call, staffApi } from "../api.ts";
import { pl } from "../messages.ts";
import form from "./PaperFormView.module.css";
import styles from "./Table.module.css";

type ContactCheck = Answer<(typeof staffApi.contacts)["check"]["$post"]>;
type EmailCheck = NonNullable<ContactCheck["email"]>;
type MobileCheck = NonNullable<ContactCheck["mobile"]>;
type Recorded = Answer<(typeof staffApi)["paper-forms"]["$post"]>;

const t = pl.paperForm;

/**
 * "Wprowadź formularz papierowy": a paper form that arrived at the office, entered by staff
 * with the kiosk's validation and typo suggestions. It writes the same register event as an
 * import (source paper_form, entered by the signed-in staff member) and confirms to the resident.
 */
export function PaperFormView() {
  const [flat, setFlat] = useState("");
  const [owner, setOwner] = useState("");
  const [email, setEmail] = useState("");
  const [mobile, setMobile] = useState("");
  const [channels, setChannels] = useState<Array<"email" | "sms">>(["email"]);
  const [formDate, setFormDate] = useState("");
  const [formReference, setFormReference] = useState("");
  const [emailCheck, setEmailCheck] = useState<EmailCheck | null>(null);
  const [mobileCheck, setMobileCheck] = useState<MobileCheck | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<Recorded | null>(null);
  const [busy, setBusy] = useState(false);

  const check = async (field: "email" | "mobile", value: string) => {
    if (!value.trim()) {
      if (field === "email") setEmailCheck(null);
      else setMobileCheck(null);
      return;
    }
    const r = await call(staffApi.contacts.check.$post, { json: { [field]: value } }).catch((): ContactCheck => ({}));
    if (field === "email") setEmailCheck(r.email ?? null);
    else setMobileCheck(r.mobile ?? null);
  };

  const toggle = (channel: "email" | "sms") =>
    setChannels((now) => (now.includes(channel) ? now.filter((c) => c !== channel) : [...now, channel]));

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    setBusy(true);
    try {
      const result = await call(staffApi["paper-forms"].$post, {
        json: {
          flat: flat.trim(),
          owner: owner.trim(),
          ...(email.trim() ? { email: email.trim() } : {}),
          ...(mobile.trim() ? { mobile: mobile.trim() } : {}),
          channels,
          formDate,
          formReference: formReference.trim(),
        },
      });
      setDone(result);
    } catch (err) {
      if (err instanceof ApiError) {
        const field = typeof err.details.field === "string" ? err.details.field : null;
        setError(`${t.errors[err.code] ?? t.errors.other}${field ? ` (${t.fields[field] ?? field})` : ""}`);
      } else setError(t.errors.other);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <h2>{t.title}</h2>
      <p class={styles.muted}>{t.intro}</p>
      <form class={`${styles.panel} ${form.form}`} onSubmit={submit}>
        <label>
          {t.fields.flat}{" "}
          <input required value={flat} onInput={(e) => setFlat(e.currentTarget.value)} placeholder="KEL10-A-1" />
        </label>
        <label>
          {t.fields.owner} <input required value={owner} onInput={(e) => setOwner(e.currentTarget.value)} />
        </label>
        <label>
          {t.fields.email}{" "}
          <input
            type="email"
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
            onBlur={() => void check("email", email)}
          />
        </label>
        {emailCheck && !emailCheck.valid && (
          <p class={form.note} role="alert">
            {t.invalidEmail}
          </p>
        )}
        {emailCheck?.suggestion && (
          <p class={form.note}>
            {t.didYouMean}{" "}
            <button
              type="button"
              onClick={() => {
                setEmail(emailCheck.suggestion as string);
                setEmailCheck({ valid: true, normalized: emailCheck.suggestion as string });
              }}
            >
              {emailCheck.suggestion}
            </button>
          </p>
        )}
        <label>
          {t.fields.mobile}{" "}
          <input
            type="tel"
            value={mobile}
            onInput={(e) => setMobile(e.currentTarget.value)}
            onBlur={() => void check("mobile", mobile)}
          />
        </label>
        {mobileCheck && !mobileCheck.valid && (
          <p class={form.note} role="alert">
            {t.invalidMobile}
          </p>
        )}
        <fieldset>
          <legend>{t.fields.channels}</legend>
          <label>
            <input type="checkbox" checked={channels.includes("email")} onChange={() => toggle("email")} /> e-mail
          </label>
          <label>
            <input type="checkbox" checked={channels.includes("sms")} onChange={() => toggle("sms")} /> SMS
          </label>
        </fieldset>
        <label>
          {t.fields.formDate}{" "}
          <input type="date" required value={formDate} onInput={(e) => setFormDate(e.currentTarget.value)} />
        </label>
        <label>
          {t.fields.formReference}{" "}
          <input required value={formReference} onInput={(e) => setFormReference(e.currentTarget.value)} />
        </label>
        <div class={`${styles.toolbar} ${form.actions}`}>
          <button type="submit" disabled={busy || channels.length === 0}>
            {t.save}
          </button>
        </div>
      </form>
      {error && <p role="alert">{error}</p>}
      {done && (
        <div class={styles.panel} role="status">
          <p>
            {done.repeated ? t.repeated : t.saved} {done.flatLabel}, {t.eventNo} {done.eventSeq}.
          </p>
          <p>
            {done.electronicFrom
              ? `${t.electronicFrom} ${new Date(done.electronicFrom).toLocaleDateString("pl-PL", { timeZone: "Europe/Warsaw" })}.`
              : t.noElectronic}
          </p>
          <p>{t.confirmation[done.confirmation]}</p>
          {done.confirmation === "print" && (
            <button type="button" onClick={() => window.print()}>
              {t.print}
            </button>
          )}
        </div>
      )}
    </section>
  );
}
