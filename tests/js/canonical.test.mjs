// static/js/canonical.js: RFC 8785 restricted to objects, arrays, strings and
// integers, NFC-normalised strings. The same cases as the Python side should
// give the same bytes (tests/test_js_crypto.py checks that with Hypothesis).

import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  canonicalJson,
  canonicalJsonBytes,
  MAX_DEPTH,
  parseCanonical,
} from "../../static/js/canonical.js";

const nonCanonical = (err) => err.code === "non_canonical";

// Keys of a flat canonical object in the order written (JSON.parse would
// reorder integer-like keys such as "1").
const writtenKeys = (text) => [...text.matchAll(/[{,]"((?:[^"\\]|\\.)*)":/g)]
  .map((m) => JSON.parse(`"${m[1]}"`));

describe("canonical JSON: writing", () => {
  it("sorts keys and uses compact separators", () => {
    assert.equal(canonicalJson({ b: 1, a: [2, "x"], c: {} }), '{"a":[2,"x"],"b":1,"c":{}}');
    assert.equal(canonicalJson([]), "[]");
    assert.equal(canonicalJson("x"), '"x"');
    assert.equal(canonicalJson(0), "0");
  });

  it("writes a ballot as the design describes it", () => {
    const ballot = {
      round: "r-2026-1",
      nonce: "q0Zx3n1",
      choices: { m2: "Hoàn thành tốt nhiệm vụ", m1: "Hoàn thành xuất sắc nhiệm vụ" },
    };
    assert.equal(
      canonicalJson(ballot),
      '{"choices":{"m1":"Hoàn thành xuất sắc nhiệm vụ","m2":"Hoàn thành tốt nhiệm vụ"},' +
        '"nonce":"q0Zx3n1","round":"r-2026-1"}',
    );
  });

  it("sorts keys by UTF-16 code units, not code points (RFC 8785 section 3.2.3)", () => {
    // U+1F600 is D83D DE00 in UTF-16, below U+FF5E; as code points it is above.
    const keys = ["\uFF5E", "\u{1F600}", "a", "\u00e9", "\u20ac", "\r", "1", "B", "\uE000"];
    const obj = Object.fromEntries(keys.map((k, i) => [k, i]));
    assert.deepEqual(writtenKeys(canonicalJson(obj)), ["\r", "1", "B", "a", "\u00e9", "\u20ac", "\u{1F600}", "\uE000", "\uFF5E"]);
  });

  it("the RFC 8785 section 3.2.3 sorting example, with NFC on top", () => {
    const obj = {
      "\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One", "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis",
    };
    // U+FB33 is a composition exclusion: NFC makes it U+05D3 U+05BC, which sorts
    // before the Euro sign. Plain RFC 8785 would keep U+FB33 and put it last.
    assert.deepEqual(writtenKeys(canonicalJson(obj)),
      ["\r", "1", "\u0080", "\u00f6", "\u05d3\u05bc", "\u20ac", "\ud83d\ude00"]);
    const { "\ufb33": _, ...withoutHebrew } = obj;
    assert.equal(canonicalJson(withoutHebrew),
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control",' +
        '"\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",' +
        '"\ud83d\ude00":"Emoji: Grinning Face"}');
  });

  it("escapes only what JSON.stringify escapes, lower-case \\u00xx", () => {
    const text = "\"\\\b\f\n\r\t\u0000\u0001\u001f\u007f\u2028/<>é";
    assert.equal(canonicalJson(text),
      '"\\"\\\\\\b\\f\\n\\r\\t\\u0000\\u0001\\u001f\u007f\u2028/<>é"');
  });

  it("NFC-normalises strings and keys", () => {
    const decomposed = "Nguye\u0302\u0303n Tha\u0300nh"; // "Nguyễn Thành", decomposed
    assert.equal(canonicalJson(decomposed), '"Nguyễn Thành"');
    assert.equal(canonicalJson({ [decomposed]: 1 }), '{"Nguyễn Thành":1}');
    assert.equal(canonicalJson("e\u0323\u0302"), canonicalJson("\u1ec7")); // ệ
  });

  it("refuses two keys equal after NFC", () => {
    assert.throws(() => canonicalJson({ "\u00e9": 1, "e\u0301": 2 }), nonCanonical);
  });

  it("writes UTF-8 bytes, raw (no \\u escapes outside controls)", () => {
    assert.deepEqual(canonicalJsonBytes({ k: "ệ😀" }),
      new Uint8Array(Buffer.from('{"k":"ệ😀"}', "utf8")));
  });

  it("accepts integers up to +-(2**53 - 1), numbers or BigInts", () => {
    assert.equal(canonicalJson([9007199254740991, -9007199254740991, -0, 10 ** 15]),
      "[9007199254740991,-9007199254740991,0,1000000000000000]");
    assert.equal(canonicalJson([2n ** 53n - 1n, -5n]), "[9007199254740991,-5]");
  });

  it("refuses floats, unsafe integers, booleans, null, undefined and other objects", () => {
    const bad = [1.5, 2 ** 53, -(2 ** 53), 2n ** 53n, NaN, Infinity, true, false, null, undefined,
      [1, undefined], [, 1], { a: null }, { a: 0.1 }, new Date(0), new Map(), Symbol("s"),
      () => 1, new Uint8Array(1), new String("s"), Object.create({ inherited: 1 })];
    for (const value of bad) {
      assert.throws(() => canonicalJson(value), nonCanonical, String(typeof value));
    }
  });

  it("refuses lone surrogates in strings and keys", () => {
    assert.throws(() => canonicalJson("\uD800"), nonCanonical);
    assert.throws(() => canonicalJson({ "\uDC00": 1 }), nonCanonical);
  });

  it("limits nesting to the Python depth", () => {
    const nest = (levels, inner) => (levels === 0 ? inner : [nest(levels - 1, inner)]);
    assert.equal(canonicalJson(nest(MAX_DEPTH, [])).length, 2 * (MAX_DEPTH + 1));
    assert.throws(() => canonicalJson(nest(MAX_DEPTH, [1])), nonCanonical);
    const cycle = [];
    cycle.push(cycle);
    assert.throws(() => canonicalJson(cycle), nonCanonical);
  });
});

describe("canonical JSON: parsing", () => {
  it("accepts canonical text and bytes", () => {
    const text = '{"a":[1,"ệ"],"b":{}}';
    assert.deepEqual(parseCanonical(text), { a: [1, "ệ"], b: {} });
    assert.deepEqual(parseCanonical(new TextEncoder().encode(text)), { a: [1, "ệ"], b: {} });
  });

  it("refuses every non-canonical spelling", () => {
    const bad = [
      '{"b":1,"a":2}', '{"a": 1}', ' {"a":1}', '{"a":1}\n', '{"a":1,"a":1}', '{"a":1.0}',
      '{"a":1e2}', '{"a":-0}', '{"a":01}', '{"a":true}', '{"a":null}', '{"a":"\\u0041"}',
      '{"a":"\\/"}', '{"a":"e\u0301"}', '{"a":9007199254740992}', '[1]', '"a"', '1', "",
      "{", '\ufeff{"a":1}', '{"\\ud800":1}',
    ];
    for (const text of bad) {
      assert.throws(() => parseCanonical(text), nonCanonical, JSON.stringify(text));
    }
  });

  it("refuses invalid UTF-8", () => {
    assert.throws(() => parseCanonical(Uint8Array.of(0x7b, 0xff, 0x7d)), nonCanonical);
  });
});
