import { cleanup, fireEvent, render, screen } from "@testing-library/preact";
import { afterEach, describe, expect, it } from "vitest";
import { Keypad } from "./Keypad.tsx";

afterEach(cleanup);

describe("Keypad", () => {
  it("types digits, deletes the last one and clears", () => {
    let value = "";
    render(
      <Keypad
        onDigit={(d) => {
          value += d;
        }}
        onBackspace={() => {
          value = value.slice(0, -1);
        }}
        onClear={() => {
          value = "";
        }}
      />,
    );
    for (const d of ["6", "0", "0", "1"]) fireEvent.click(screen.getByRole("button", { name: d }));
    expect(value).toBe("6001");
    fireEvent.click(screen.getByRole("button", { name: "Usuń ostatni znak" }));
    expect(value).toBe("600");
    fireEvent.click(screen.getByRole("button", { name: "Wyczyść" }));
    expect(value).toBe("");
  });

  it("offers all ten digits as buttons and does nothing while disabled", () => {
    let taps = 0;
    render(<Keypad disabled onDigit={() => taps++} onBackspace={() => taps++} />);
    for (let d = 0; d <= 9; d++) {
      const button = screen.getByRole("button", { name: String(d) });
      expect((button as HTMLButtonElement).disabled).toBe(true);
      fireEvent.click(button);
    }
    expect(taps).toBe(0);
  });
});
