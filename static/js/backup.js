// A trustee's printable backup code (docs/encrypted-ballots.md, section 9); twin
// of ballot/crypto/backup.py. 40 bytes as 64 base32 characters in 16 groups of 4.

import { scrypt } from "../vendor/noble-curves/noble-curves.js";
import { sha256 } from "../vendor/noble-hashes/noble-hashes.js";
import { Trustee, verifyCommittee } from "./committee.js";
import { base32Decode, base32Encode, bytesEqual, concatBytes, utf8Encode } from "./encoding.js";
import { InvalidBackup, WrongPin } from "./errors.js";

const VERSION = 0x01;
const PIN_FLAG = 0x80;
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, dkLen: 32 };
const SALT_PREFIX = utf8Encode("phieukin-v1 backup");

function pinPad(pin, index, fpr4) {
  if (typeof pin !== "string" || !pin) throw new WrongPin("empty PIN", "Mã PIN không được để trống.");
  return scrypt(utf8Encode(pin.normalize("NFC")), concatBytes(SALT_PREFIX, Uint8Array.of(index), fpr4), SCRYPT);
}

const xor = (a, b) => a.map((x, i) => x ^ b[i]);

export function encodeBackup(seed, index, fingerprint, pin = undefined) {
  if (!(seed instanceof Uint8Array) || seed.length !== 32 || !(index >= 1 && index <= 255)) {
    throw new InvalidBackup("seed is 32 bytes, index 1..255");
  }
  const fpr4 = fingerprint.subarray(0, 4);
  const body = pin === undefined ? seed : xor(seed, pinPad(pin, index, fpr4));
  const head = concatBytes(Uint8Array.of(VERSION | (pin === undefined ? 0 : PIN_FLAG), index), fpr4, body);
  const text = base32Encode(concatBytes(head, sha256(head).subarray(0, 2)));
  return text.match(/.{4}/g).join("-");
}

function raw(code) {
  if (typeof code !== "string") throw new InvalidBackup("not text");
  // Hand-typed codes: 0 and 1 are not base32 digits, O and I are.
  const letters = code.replace(/[\s-]/g, "").toUpperCase().replace(/0/g, "O").replace(/1/g, "I");
  let bytes;
  try {
    bytes = base32Decode(letters);
  } catch {
    throw new InvalidBackup("not base32");
  }
  if (bytes.length !== 40 || !bytesEqual(sha256(bytes.subarray(0, 38)).subarray(0, 2), bytes.subarray(38))) {
    throw new InvalidBackup("checksum");
  }
  return bytes;
}

export const needsPin = (code) => Boolean(raw(code)[0] & PIN_FLAG);

export function decodeBackup(code, pin = undefined) {
  const bytes = raw(code);
  const flags = bytes[0];
  const index = bytes[1];
  const fpr4 = bytes.slice(2, 6);
  let seed = bytes.slice(6, 38);
  if ((flags & ~PIN_FLAG) !== VERSION) throw new InvalidBackup("unknown backup version");
  if (flags & PIN_FLAG) {
    if (pin === undefined) throw new WrongPin("this backup needs its PIN", "Bản sao lưu này cần mã PIN.");
    seed = xor(seed, pinPad(pin, index, fpr4));
  }
  return { index, fingerprintPrefix: fpr4, seed };
}

/** {trustee, share} from a backup and the public transcript; a wrong PIN is refused. */
export function restoreTrustee(code, pin, transcript) {
  const backup = decodeBackup(code, pin);
  const committee = verifyCommittee(transcript);
  if (!bytesEqual(committee.fingerprint.subarray(0, 4), backup.fingerprintPrefix) || backup.index > committee.n) {
    throw new InvalidBackup("backup of another committee", "Mã sao lưu này thuộc một ban kiểm phiếu khác.");
  }
  const trustee = new Trustee(backup.seed, committee.context, backup.index);
  if (!bytesEqual(trustee.signKey, committee.signKeys.get(backup.index))) {
    throw pin !== undefined ? new WrongPin("seed gives other keys") : new InvalidBackup("seed gives other keys");
  }
  return { trustee, share: trustee.secretShare(transcript) };
}
