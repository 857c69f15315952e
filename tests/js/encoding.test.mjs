// static/js/encoding.js: strict base64url, base32, hex and UTF-8.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";

import {
  b64urlDecode,
  b64urlEncode,
  base32Encode,
  bytesEqual,
  concatBytes,
  hexDecode,
  hexEncode,
  isWellFormed,
  utf8Decode,
  utf8Encode,
} from "../../static/js/encoding.js";

const ascii = (text) => new TextEncoder().encode(text);

function rejects(fn, code) {
  assert.throws(fn, (err) => err.code === code, `expected ${code}`);
}

describe("base64url", () => {
  it("matches RFC 4648 section 10 (url alphabet, no padding)", () => {
    const cases = [["", ""], ["f", "Zg"], ["fo", "Zm8"], ["foo", "Zm9v"], ["foob", "Zm9vYg"],
      ["fooba", "Zm9vYmE"], ["foobar", "Zm9vYmFy"]];
    for (const [plain, encoded] of cases) {
      assert.equal(b64urlEncode(ascii(plain)), encoded);
      assert.deepEqual(b64urlDecode(encoded), ascii(plain));
    }
    assert.equal(b64urlEncode(Uint8Array.of(0xfb, 0xff, 0xbf)), "-_-_");
  });

  it("round-trips random bytes and agrees with Node's encoder", () => {
    for (let length = 0; length < 70; length++) {
      const data = new Uint8Array(randomBytes(length));
      const text = b64urlEncode(data);
      assert.equal(text, Buffer.from(data).toString("base64url"));
      assert.deepEqual(b64urlDecode(text), data);
    }
  });

  it("rejects padding, the standard alphabet, whitespace and other characters", () => {
    for (const bad of ["Zg==", "Zg=", "Zm9v+w", "Zm9v/w", "Zm9 v", " Zm9v", "Zm9v\n", "Zm9v.",
      "Zé", "Zm9v\u0000"]) {
      rejects(() => b64urlDecode(bad), "bad_base64");
    }
  });

  it("rejects impossible lengths", () => {
    for (const bad of ["A", "AAAAA", "Zm9vY"]) {
      rejects(() => b64urlDecode(bad), "bad_base64");
    }
  });

  it("rejects non-zero trailing bits (one spelling per byte string)", () => {
    assert.deepEqual(b64urlDecode("AA"), Uint8Array.of(0));
    for (const bad of ["AB", "AP", "Zh", "Zm9", "Zm-"]) {
      rejects(() => b64urlDecode(bad), "bad_base64");
    }
    assert.deepEqual(b64urlDecode("Zm8"), ascii("fo"));
  });

  it("rejects non-strings and encodes only bytes", () => {
    for (const bad of [null, undefined, 5, ["Zg"], ascii("Zg")]) {
      rejects(() => b64urlDecode(bad), "bad_base64");
    }
    assert.throws(() => b64urlEncode("Zg"), TypeError);
    assert.throws(() => b64urlEncode([1, 2]), TypeError);
  });
});

describe("base32", () => {
  it("matches RFC 4648 section 10 without padding", () => {
    const cases = [["", ""], ["f", "MY"], ["fo", "MZXQ"], ["foo", "MZXW6"], ["foob", "MZXW6YQ"],
      ["fooba", "MZXW6YTB"], ["foobar", "MZXW6YTBOI"]];
    for (const [plain, encoded] of cases) {
      assert.equal(base32Encode(ascii(plain)), encoded);
    }
  });
});

describe("hex", () => {
  it("round-trips and accepts either case", () => {
    assert.equal(hexEncode(Uint8Array.of(0, 1, 0xab, 0xff)), "0001abff");
    assert.deepEqual(hexDecode("0001ABff"), Uint8Array.of(0, 1, 0xab, 0xff));
    assert.deepEqual(hexDecode(""), new Uint8Array(0));
  });

  it("rejects odd lengths, prefixes and non-hex", () => {
    for (const bad of ["0", "0x00", "zz", "00 11", 12]) {
      rejects(() => hexDecode(bad), "bad_encoding");
    }
  });
});

describe("UTF-8", () => {
  it("encodes Vietnamese and astral characters", () => {
    const text = "Phiếu kín 🗳️";
    assert.deepEqual(utf8Encode(text), new Uint8Array(Buffer.from(text, "utf8")));
    assert.equal(utf8Decode(utf8Encode(text)), text);
  });

  it("refuses lone surrogates instead of writing U+FFFD", () => {
    for (const bad of ["\uD800", "a\uDC00", "\uDBFF\uDBFF", "\uDFFF\uD800"]) {
      assert.equal(isWellFormed(bad), false);
      rejects(() => utf8Encode(bad), "bad_encoding");
    }
    assert.equal(isWellFormed("\uD83D\uDE00"), true);
  });

  it("refuses invalid UTF-8 when decoding", () => {
    for (const bad of [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xc0, 0xaf]]) {
      rejects(() => utf8Decode(Uint8Array.from(bad)), "bad_encoding");
    }
  });
});

describe("byte helpers", () => {
  it("concatenate and compare", () => {
    const joined = concatBytes(Uint8Array.of(1), new Uint8Array(0), Uint8Array.of(2, 3));
    assert.deepEqual(joined, Uint8Array.of(1, 2, 3));
    assert.equal(bytesEqual(joined, Uint8Array.of(1, 2, 3)), true);
    assert.equal(bytesEqual(joined, Uint8Array.of(1, 2, 4)), false);
    assert.equal(bytesEqual(joined, Uint8Array.of(1, 2)), false);
  });
});
