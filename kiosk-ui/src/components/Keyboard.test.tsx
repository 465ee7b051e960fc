import { cleanup, fireEvent, render, screen } from "@testing-library/preact";
import { afterEach, describe, expect, it } from "vitest";
import { typeIntoName } from "../screens/IdentifyScreens.tsx";
import { EMAIL_CHIPS, Keyboard } from "./Keyboard.tsx";

afterEach(cleanup);

function typing(layout: "email" | "name", withChips = false) {
  const state = { value: "" };
  render(
    <Keyboard
      layout={layout}
      chips={withChips ? EMAIL_CHIPS : undefined}
      onText={(text) => {
        state.value += text;
      }}
      onBackspace={() => {
        state.value = state.value.slice(0, -1);
      }}
    />,
  );
  return state;
}

describe("Keyboard", () => {
  it("has letters, digits, @ . - _ and the domain chips for email", () => {
    typing("email", true);
    for (const label of ["a", "z", "0", "9", "@", ".", "-", "_", ...EMAIL_CHIPS]) {
      expect(screen.getByRole("button", { name: label }), label).toBeTruthy();
    }
  });

  it("types an address with a chip and corrects it with backspace", () => {
    const state = typing("email", true);
    for (const ch of "jan.k") fireEvent.click(screen.getByRole("button", { name: ch }));
    fireEvent.click(screen.getByRole("button", { name: "@wp.pl" }));
    expect(state.value).toBe("jan.k@wp.pl");
    fireEvent.click(screen.getByRole("button", { name: "Usuń ostatni znak" }));
    expect(state.value).toBe("jan.k@wp.p");
  });

  it("has the Polish letters, hyphen and space for surnames", () => {
    typing("name");
    for (const label of ["Ą", "Ć", "Ę", "Ł", "Ń", "Ó", "Ś", "Ź", "Ż", "-", "Spacja"]) {
      expect(screen.getByRole("button", { name: label }), label).toBeTruthy();
    }
    expect(screen.queryByRole("button", { name: "@" })).toBeNull();
  });

  it("writes surnames with a capital at the start of each part", () => {
    let name = "";
    for (const ch of "WÓJCIK-ŁASKA") name = typeIntoName(name, ch);
    expect(name).toBe("Wójcik-Łaska");
    expect(typeIntoName("", " ")).toBe("");
  });
});
