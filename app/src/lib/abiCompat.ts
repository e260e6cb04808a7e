// Return data of deployed queues that encode `requestsOf`'s two results as
// one tuple (a leading 0x20 offset before `count`), next to the standard
// encoding of `(uint256 count, uint256[] ids)`: both are read.
import { decodeAbiParameters, type Hex } from "viem";

const WORD = 64;
const word = (data: Hex, index: number): bigint => BigInt(`0x${data.slice(2 + index * WORD, 2 + (index + 1) * WORD) || "0"}`);

/** `requestsOf`'s count and page of ids from its return data, in either encoding. */
export function decodeRequestsOf(data: Hex): { count: bigint; ids: readonly bigint[] } {
  const words = (data.length - 2) / WORD;
  // Wrapped: [0x20, count, 0x40, len, ids…], exactly 4 + len words.
  if (words >= 4 && word(data, 0) === 0x20n && word(data, 2) === 0x40n && BigInt(words) === 4n + word(data, 3)) {
    const [[count, ids]] = decodeAbiParameters([{ type: "tuple", components: [{ type: "uint256" }, { type: "uint256[]" }] }], data);
    return { count, ids };
  }
  const [count, ids] = decodeAbiParameters([{ type: "uint256" }, { type: "uint256[]" }], data);
  return { count, ids };
}
