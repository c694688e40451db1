import { describe, expect, it } from "vitest";
import { workerAddressRefusal } from "../../src/live-view/worker-address.ts";

describe("which worker addresses the API relays to (LIVE_VIEW_REQUIRE_TLS)", () => {
  it("relays to any ws:// or wss:// address when TLS is not required", () => {
    expect(workerAddressRefusal("ws://10.0.0.5:3100", false)).toBeUndefined();
    expect(workerAddressRefusal("wss://worker-2.internal:3100", false)).toBeUndefined();
  });

  it("with TLS required, relays to wss:// anywhere and to ws:// only on loopback", () => {
    for (const address of [
      "wss://worker-2.internal:3100",
      "wss://10.0.0.5:3100",
      "ws://127.0.0.1:3100",
      "ws://127.0.0.2:3100",
      "ws://localhost:3100",
      "ws://[::1]:3100",
      "ws://[::ffff:127.0.0.1]:3100",
    ]) {
      expect(workerAddressRefusal(address, true), address).toBeUndefined();
    }
    for (const address of [
      "ws://10.0.0.5:3100",
      "ws://worker-2:3100",
      "ws://192.0.2.2:3100",
      "ws://[fd00::2]:3100",
      "ws://localhost.example.com:3100",
      "ws://0.0.0.0:3100",
    ]) {
      expect(workerAddressRefusal(address, true), address).toMatch(/LIVE_VIEW_REQUIRE_TLS/);
    }
  });

  it("refuses what is not a live-view address", () => {
    expect(workerAddressRefusal("http://10.0.0.5:3100", false)).toMatch(/not a live-view address/);
    expect(workerAddressRefusal("nonsense", false)).toBe("not a URL");
  });
});
