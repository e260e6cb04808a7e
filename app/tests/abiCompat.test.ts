import { describe, expect, it } from "vitest";
import { encodeAbiParameters } from "viem";
import { decodeRequestsOf } from "../src/lib/abiCompat";

describe("decodeRequestsOf", () => {
  it("reads the standard encoding of (uint256, uint256[])", () => {
    const data = encodeAbiParameters([{ type: "uint256" }, { type: "uint256[]" }], [3n, [0n, 1n, 2n]]);
    expect(decodeRequestsOf(data)).toEqual({ count: 3n, ids: [0n, 1n, 2n] });
  });
  it("reads the results encoded as one tuple", () => {
    const data = encodeAbiParameters([{ type: "tuple", components: [{ type: "uint256" }, { type: "uint256[]" }] }], [[2n, [0n, 1n]]]);
    expect(decodeRequestsOf(data)).toEqual({ count: 2n, ids: [0n, 1n] });
    const empty = encodeAbiParameters([{ type: "tuple", components: [{ type: "uint256" }, { type: "uint256[]" }] }], [[2n, []]]);
    expect(decodeRequestsOf(empty)).toEqual({ count: 2n, ids: [] });
  });
  it("does not mistake a standard answer with 32 requests for the tuple form", () => {
    const ids = Array.from({ length: 32 }, (_, i) => BigInt(i));
    const data = encodeAbiParameters([{ type: "uint256" }, { type: "uint256[]" }], [32n, ids]);
    expect(decodeRequestsOf(data)).toEqual({ count: 32n, ids });
  });
});
