import { describe, expect, it } from "vitest";
import { parseManifest } from "../src/lib/manifest";

const protocol = {
  token: "0x1111111111111111111111111111111111111111",
  vault: "0x2222222222222222222222222222222222222222",
  assetRegistry: "0x3333333333333333333333333333333333333333",
  withdrawalQueue: "0x4444444444444444444444444444444444444444",
  lst: "0x5555555555555555555555555555555555555555",
};

describe("parseManifest", () => {
  it("reads the addresses the deploy tool writes", () => {
    const d = parseManifest({ chainId: 412346, deployer: "0x0", protocol, programs: {}, wiring: [] });
    expect(d.chainId).toBe(412346);
    expect(d.vault).toBe(protocol.vault);
    expect(d.others.lst).toBe(protocol.lst);
  });
  it("refuses an unfinished deployment", () => {
    const { vault: _vault, ...rest } = protocol;
    void _vault;
    expect(() => parseManifest({ chainId: 1, protocol: rest })).toThrow("the manifest has no vault address");
  });
  it("refuses what is not a manifest", () => {
    expect(() => parseManifest(null)).toThrow();
    expect(() => parseManifest({ protocol })).toThrow("no chainId");
  });
});
