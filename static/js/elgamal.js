// Exponential ElGamal on ristretto255 (docs/encrypted-ballots.md, section 5);
// twin of ballot/crypto/elgamal.py. A ciphertext is {alpha, beta} (points).

import { b64urlEncode, concatBytes } from "./encoding.js";
import { CryptoError, InvalidElement } from "./errors.js";
import { G, IDENTITY, SIZE, baseTimes, decodeB64, elementFromBytes, mul } from "./ristretto.js";

export const ZERO = Object.freeze({ alpha: IDENTITY, beta: IDENTITY });

/** Encrypt m in {0, 1} with randomness r != 0; `key` should carry a table (withTable). */
export function encrypt(key, m, r) {
  if (m !== 0 && m !== 1) throw new CryptoError("a ballot bit is 0 or 1");
  if (r === 0n) throw new CryptoError("the randomness of a ciphertext must not be zero");
  const beta = mul(key, r);
  return { alpha: baseTimes(r), beta: m ? beta.add(G) : beta };
}

export const addCiphertexts = (a, b) => ({ alpha: a.alpha.add(b.alpha), beta: a.beta.add(b.beta) });

export function ciphertextSum(cts) {
  let total = ZERO;
  for (const ct of cts) total = addCiphertexts(total, ct);
  return total;
}

export const ciphertextBytes = (ct) => concatBytes(ct.alpha.toBytes(), ct.beta.toBytes());
export const ciphertextB64 = (ct) => b64urlEncode(ciphertextBytes(ct));

export function ciphertextFromBytes(bytes, { allowIdentityAlpha = false } = {}) {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 2 * SIZE) {
    throw new InvalidElement("a ciphertext is 64 bytes");
  }
  return {
    alpha: elementFromBytes(bytes.subarray(0, SIZE), { allowIdentity: allowIdentityAlpha }),
    beta: elementFromBytes(bytes.subarray(SIZE), { allowIdentity: true }),
  };
}

export const ciphertextFromB64 = (text, options) =>
  ciphertextFromBytes(decodeB64(text, InvalidElement), options);
