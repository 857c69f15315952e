"""Write tests/data/encrypted-ballot-vectors.json (docs/encrypted-ballots.md).

The external vectors (RFC 9496 Appendix A, RFC 9380 K.3) are copied from the RFCs;
the protocol's own vectors are computed by ballot.crypto with randomness fixed by
`fixed(label, i)`, and the phone's JavaScript must give the same bytes
(tests/js/encrypted-ballots.test.mjs). Python re-runs this and compares
(tests/test_crypto_encrypted_ballots.py), so a change of bytes is always deliberate:

    .venv/bin/python scripts/make_encrypted_ballot_vectors.py
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from ballot.crypto import backup, committee, elgamal, threshold, zkp
from ballot.crypto import encrypted_ballot as eb
from ballot.crypto.encoding import b64url_decode, b64url_encode
from ballot.crypto.ristretto import (
    GENERATOR,
    ORDER,
    Element,
    Scalar,
    hash_to_scalar,
)

ROOT = Path(__file__).resolve().parent.parent

OUT = ROOT / "tests" / "data" / "encrypted-ballot-vectors.json"

RFC9496_MULTIPLES = [
    "0000000000000000000000000000000000000000000000000000000000000000",
    "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76",
    "6a493210f7499cd17fecb510ae0cea23a110e8d5b901f8acadd3095c73a3b919",
    "94741f5d5d52755ece4f23f044ee27d5d1ea1e2bd196b462166b16152a9d0259",
    "da80862773358b466ffadfe0b3293ab3d9fd53c5ea6c955358f568322daf6a57",
    "e882b131016b52c1d3337080187cf768423efccbb517bb495ab812c4160ff44e",
    "f64746d3c92b13050ed8d80236a7f0007c3b3f962f5ba793d19a601ebb1df403",
    "44f53520926ec81fbd5a387845beb7df85a96a24ece18738bdcfa6a7822a176d",
    "903293d8f2287ebe10e2374dc1a53e0bc887e592699f02d077d5263cdd55601c",
    "02622ace8f7303a31cafc63f8fc48fdc16e1c8c8d234b2f0d6685282a9076031",
    "20706fd788b2720a1ed2a5dad4952b01f413bcf0e7564de8cdc816689e2db95f",
    "bce83f8ba5dd2fa572864c24ba1810f9522bc6004afe95877ac73241cafdab42",
    "e4549ee16b9aa03099ca208c67adafcafa4c3f3e4e5303de6026e3ca8ff84460",
    "aa52e000df2e16f55fb1032fc33bc42742dad6bd5a8fc0be0167436c5948501f",
    "46376b80f409b29dc2b5f6f0c52591990896e5716f41477cd30085ab7f10301e",
    "e0c418f7c8d9c4cdd7395b93ea124f3ad99021bb681dfc3302a9d99a2e53e64e",
]
RFC9496_BAD = [
    # non-canonical field encodings
    "00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "f3ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    # negative field elements
    "0100000000000000000000000000000000000000000000000000000000000000",
    "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "ed57ffd8c914fb201471d1c3d245ce3c746fcbe63a3679d51b6a516ebebe0e20",
    "c34c4e1826e5d403b78e246e88aa051c36ccf0aafebffe137d148a2bf9104562",
    "c940e5a4404157cfb1628b108db051a8d439e1a421394ec4ebccb9ec92a8ac78",
    "47cfc5497c53dc8e61c91d17fd626ffb1c49e2bca94eed052281b510b1117a24",
    "f1c6165d33367351b0da8f6e4511010c68174a03b6581212c71c0e1d026c3c72",
    "87260f7a2f12495118360f02c26a470f450dadf34a413d21042b43b9d93e1309",
    # non-square x^2
    "26948d35ca62e643e26a83177332e6b6afeb9d08e4268b650f1f5bbd8d81d371",
    "4eac077a713c57b4f4397629a4145982c661f48044dd3f96427d40b147d9742f",
    "de6a7b00deadc788eb6b6c8d20c0ae96c2f2019078fa604fee5b87d6e989ad7b",
    "bcab477be20861e01e4a0e295284146a510150d9817763caf1a6f4b422d67042",
    "2a292df7e32cababbd9de088d1d1abec9fc0440f637ed2fba145094dc14bea08",
    "f4a9e534fc0d216c44b218fa0c42d99635a0127ee2e53c712f70609649fdff22",
    "8268436f8c4126196cf64b3c7ddbda90746a378625f9813dd9b8457077256731",
    "2810e5cbc2cc4d4eece54f61c6f69758e289aa7ab440b3cbeaa21995c2f4232b",
    # negative xy
    "3eb858e78f5a7254d8c9731174a94f76755fd3941c0ac93735c07ba14579630e",
    "a45fdc55c76448c049a1ab33f17023edfb2be3581e9c7aade8a6125215e04220",
    "d483fe813c6ba647ebbfd3ec41adca1c6130c2beeee9d9bf065c8d151c5f396e",
    "8a2e1d30050198c65a54483123960ccc38aef6848e1ec8f5f780e8523769ba32",
    "32888462f8b486c68ad7dd9610be5192bbeaf3b443951ac1a8118419d9fa097b",
    "227142501b9d4355ccba290404bde41575b037693cef1f438c47f8fbf35d1165",
    "5c37cc491da847cfeb9281d407efc41e15144c876e0170b499a96a22ed31e01e",
    "445425117cb8c90edcbc7c1cc0e74f747f2c1efa5630a967c64f287792a48a4b",
    # s = -1, which gives y = 0
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    # bit 255 set (s >= p): refused by RFC 9496 section 4.3.1, accepted by libsodium 1.0.18
    "0100000000000000000000000000000000000000000000000000000000000080",
    "e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2df6",
]
RFC9496_FROM_UNIFORM = [
    (
        "5d1be09e3d0c82fc538112490e35701979d99e06ca3e2b5b54bffe8b4dc772c14d98b696a1bbfb5ca32c436cc61c16563790306c79eaca7705668b47dffe5bb6",
        "3066f82a1a747d45120d1740f14358531a8f04bbffe6a819f86dfe50f44a0a46",
    ),
    (
        "f116b34b8f17ceb56e8732a60d913dd10cce47a6d53bee9204be8b44f6678b270102a56902e2488c46120e9276cfe54638286b9e4b3cdb470b542d46c2068d38",
        "f26e5b6f7d362d2d2a94c5d0e7602cb4773c95a2e5c31a64f133189fa76ed61b",
    ),
    (
        "8422e1bbdaab52938b81fd602effb6f89110e1e57208ad12d9ad767e2e25510c27140775f9337088b982d83d7fcf0b2fa1edffe51952cbe7365e95c86eaf325c",
        "006ccd2a9e6867e6a2c5cea83d3302cc9de128dd2a9a57dd8ee7b9d7ffe02826",
    ),
    (
        "ac22415129b61427bf464e17baee8db65940c233b98afce8d17c57beeb7876c2150d15af1cb1fb824bbd14955f2b57d08d388aab431a391cfc33d5bafb5dbbaf",
        "f8f0c87cf237953c5890aec3998169005dae3eca1fbb04548c635953c817f92a",
    ),
    (
        "165d697a1ef3d5cf3c38565beefcf88c0f282b8e7dbd28544c483432f1cec7675debea8ebb4e5fe7d6f6e5db15f15587ac4d4d4a1de7191e0c1ca6664abcc413",
        "ae81e7dedf20a497e10c304a765c1767a42d6e06029758d2d7e8ef7cc4c41179",
    ),
    (
        "a836e6c9a9ca9f1e8d486273ad56a78c70cf18f0ce10abb1c7172ddd605d7fd2979854f47ae1ccf204a33102095b4200e5befc0465accc263175485f0e17ea5c",
        "e2705652ff9f5e44d3e841bf1c251cf7dddb77d140870d1ab2ed64f1a9ce8628",
    ),
    (
        "2cdc11eaeb95daf01189417cdddbf95952993aa9cb9c640eb5058d09702c74622c9965a697a3b345ec24ee56335b556e677b30e6f90ac77d781064f866a3c982",
        "80bd07262511cdde4863f8a7434cef696750681cb9510eea557088f76d9e5065",
    ),
]
RFC9380_XMD_SHA512 = {
    "dst": "QUUX-V01-CS02-with-expander-SHA512-256",
    "vectors": [
        {"msg": "", "len": 32, "out": "6b9a7312411d92f921c6f68ca0b6380730a1a4d982c507211a90964c394179ba"},
        {"msg": "abc", "len": 32, "out": "0da749f12fbe5483eb066a5f595055679b976e93abe9be6f0f6318bce7aca8dc"},
        {
            "msg": "abc",
            "len": 128,
            "out": (
                "7f1dddd13c08b543f2e2037b14cefb255b44c83cc397c1786d975653e36a6b11bdd7732d8b38adb4a0edc26a0cef4bb4"
                "5217135456e58fbca1703cd6032cb1347ee720b87972d63fbf232587043ed2901bce7f22610c0419751c065922b48843"
                "1851041310ad659e4b23520e1772ab29dcdeb2002222a363f0c2b1c972b3efe1"
            ),
        },
    ],
}


def fixed(label: str, i: int) -> Scalar:
    """The vectors' 'randomness': reproducible, and no phone ever uses it."""
    return hash_to_scalar("phieukin-v1-test-vectors", label, i)


def fixed_list(label: str, count: int) -> list[Scalar]:
    return [fixed(label, i) for i in range(count)]


def b64s(scalars: list[Scalar]) -> list[str]:
    return [s.b64() for s in scalars]


def item_json(item: Any) -> dict[str, Any]:
    if isinstance(item, (bytes, bytearray)):
        return {"bytes": b64url_encode(bytes(item))}
    if isinstance(item, int):
        return {"int": item}
    return {"str": item}


def group_vectors() -> dict[str, Any]:
    x, y = fixed("group", 0), fixed("group", 1)
    p, q = Element.base_times(x), Element.base_times(y)
    return {
        "small_multiples": RFC9496_MULTIPLES,
        "bad_encodings": RFC9496_BAD,
        "from_uniform": [{"input": i, "output": o} for i, o in RFC9496_FROM_UNIFORM],
        "operations": {
            "x": x.b64(),
            "y": y.b64(),
            "x_times_G": p.b64(),
            "y_times_G": q.b64(),
            "sum": (p + q).b64(),
            "difference": (p - q).b64(),
            "x_times_yG": (x * q).b64(),
            "x_plus_y": (x + y).b64(),
            "x_minus_y": (x - y).b64(),
            "x_times_y": (x * y).b64(),
            "x_inverse": x.inverse().b64(),
            "minus_x": (-x).b64(),
        },
        "scalars": {
            "order_minus_one": Scalar.from_int(ORDER - 1).b64(),
            "non_canonical": [b64url_encode(v.to_bytes(32, "little")) for v in (ORDER, ORDER + 1, 2**256 - 1)],
        },
    }


def hash_vectors() -> dict[str, Any]:
    cases = [
        ("phieukin-v1-test", []),
        ("phieukin-v1-test", ["bit", "vòng-1", b"\x00\x01", "Nguyễn Văn A", "HTXSNV"]),
        ("phieukin-v1-test", [0, 7, 2**40]),
        ("phieukin-v1-zero-or-one", [GENERATOR.to_bytes(), "", b""]),
    ]
    out = []
    for dst, items in cases:
        out.append({"dst": dst, "items": [item_json(i) for i in items], "scalar": hash_to_scalar(dst, *items).b64()})
    return {"expand_message_xmd_sha512": RFC9380_XMD_SHA512, "hash_to_scalar": out}


def proof_vectors() -> dict[str, Any]:
    x = fixed("elgamal-key", 0)
    h = Element.base_times(x)
    enc, zero_one = [], []
    for m in (0, 1):
        r = fixed("elgamal-r", m)
        ct = elgamal.encrypt(h, m, r)
        enc.append({"m": m, "r": r.b64(), "ciphertext": ct.b64()})
        nonces = fixed_list(f"zero-or-one-{m}", 3)
        context = ["bit", "R1", b"\x07" * 16, "m01", "HTTNV"]
        proof = zkp.prove_zero_or_one(h, ct, m, r, context, tuple(nonces))
        zero_one.append(
            {
                "m": m,
                "r": r.b64(),
                "ciphertext": ct.b64(),
                "context": [item_json(i) for i in context],
                "nonces": b64s(nonces),
                "proof": proof.b64(),
            }
        )
    s = fixed("schnorr-x", 0)
    schnorr = {
        "x": s.b64(),
        "X": Element.base_times(s).b64(),
        "context": [item_json("enc-key"), item_json(3)],
        "nonce": fixed("schnorr-w", 0).b64(),
        "proof": zkp.prove_schnorr(s, ["enc-key", 3], fixed("schnorr-w", 0)).b64(),
    }
    base = Element.base_times(fixed("dleq-base", 0))
    d, proof = zkp.prove_dleq(s, base, ["decryption", "R1"], fixed("dleq-w", 0))
    dleq = {
        "s": s.b64(),
        "Y": Element.base_times(s).b64(),
        "base": base.b64(),
        "D": d.b64(),
        "context": [item_json("decryption"), item_json("R1")],
        "nonce": fixed("dleq-w", 0).b64(),
        "proof": proof.b64(),
    }
    return {
        "key_secret": x.b64(),
        "key": h.b64(),
        "encryptions": enc,
        "zero_or_one": zero_one,
        "schnorr": schnorr,
        "dleq": dleq,
    }


QUESTIONS = ["m01", "m02", "m03"]
CHOICES = [{"m01": "HTXSNV", "m02": "HTNV"}, {"m01": "HTTNV", "m03": "KHTNV"}, {}, {"m01": "HTXSNV"}]


def ceremony_and_counting() -> dict[str, Any]:
    context = {"ceremony": "vectors-ceremony", "meeting": "MEET-1", "n": 3, "t": 2}
    seeds = [bytes([0x11 * (i + 1)]) * 32 for i in range(3)]
    transcript = committee.run_ceremony(context, seeds)
    com = committee.verify_committee(transcript)
    trustees = [committee.Trustee(seed, context, i + 1) for i, seed in enumerate(seeds)]
    shares = {t.index: t.secret_share(transcript) for t in trustees}
    ballots = []
    for k, choices in enumerate(CHOICES):
        count = len(QUESTIONS) * (4 * 4 + 3)
        randomness = fixed_list(f"ballot-{k}", count)
        nonce = bytes([k]) * 16
        obj = eb.encrypt_ballot(com.joint_key, "R1", QUESTIONS, choices, nonce=nonce, randomness=iter(randomness))
        ballots.append(
            {"choices": choices, "nonce": b64url_encode(nonce), "randomness": b64s(randomness), "ballot": obj}
        )
    parsed = [eb.parse_encrypted_ballot(b["ballot"]) for b in ballots]
    tally = eb.EncryptedTally.of("R1", com.joint_key, QUESTIONS, parsed)
    partials = []
    for t in trustees[1:]:  # trustee 1 absent at close
        nonces = fixed_list(f"decryption-{t.index}", len(QUESTIONS) * 4)
        env = threshold.partial_decryption(t, shares[t.index], com, tally, nonces)
        partials.append({"trustee": t.index, "nonces": b64s(nonces), "envelope": env})
    result = threshold.combine(com, tally, [p["envelope"] for p in partials])
    return {
        "ceremony": {
            "seeds": [b64url_encode(s) for s in seeds],
            "transcript": transcript,
            "joint_key": com.joint_key.b64(),
            "fingerprint": b64url_encode(com.fingerprint),
            "short_fingerprint": com.short_fingerprint,
            "verification_keys": {str(j): y.b64() for j, y in com.verification_keys.items()},
            "shares": {str(j): s.b64() for j, s in shares.items()},
        },
        "ballots": {"round": "R1", "questions": QUESTIONS, "items": ballots},
        "tally": {"tally": tally.to_json(), "digest": b64url_encode(tally.digest())},
        "decryption": {"partials": partials, "counts": result.counts, "used": result.used},
        "lagrange": {
            "indices": [2, 3],
            "coefficients": {str(j): c.b64() for j, c in threshold.lagrange_at_zero([2, 3]).items()},
        },
        "backup": {
            "seed": b64url_encode(seeds[1]),
            "index": 2,
            "fingerprint": b64url_encode(com.fingerprint),
            "code": backup.encode_backup(seeds[1], 2, com.fingerprint),
            "pin": "246810",
            "code_with_pin": backup.encode_backup(seeds[1], 2, com.fingerprint, "246810"),
        },
    }


def invalid_ballots(counting: dict[str, Any]) -> list[dict[str, Any]]:
    """Each refused by both implementations, naming the same field."""
    key = Element.from_b64(counting["ceremony"]["joint_key"])
    good = counting["ballots"]["items"][0]["ballot"]
    nonce = b64url_decode(good["nonce"])
    out = []

    def case(name: str, ballot: dict[str, Any], field: str, round_id: str = "R1") -> None:
        out.append({"name": name, "ballot": ballot, "round": round_id, "field": field})

    # A bit of 2: encrypt 2 and run the prover as if it were 1 (the only lie it can tell).
    r = fixed("cheat", 0)
    two = elgamal.Ciphertext(Element.base_times(r), r * key + GENERATOR + GENERATOR)
    cheat = zkp.prove_zero_or_one(
        key, two, 1, r, eb.bit_context("R1", nonce, "m02", "HTXSNV"), tuple(fixed_list("cheat-n", 3))
    )
    b = copy.deepcopy(good)
    b["choices"]["m02"]["ciphertexts"][0] = two.b64()
    b["choices"]["m02"]["proofs"][0] = cheat.b64()
    case("a ciphertext encrypting 2", b, "choices.m02.proofs")
    # Two levels ticked: each bit proves, the sum cannot.
    rs = fixed_list("two-levels", 4)
    cts = [elgamal.encrypt(key, m, r) for m, r in zip([1, 1, 0, 0], rs, strict=True)]
    b = copy.deepcopy(good)
    b["choices"]["m03"]["ciphertexts"] = [ct.b64() for ct in cts]
    b["choices"]["m03"]["proofs"] = [
        zkp.prove_zero_or_one(
            key, ct, m, r, eb.bit_context("R1", nonce, "m03", lv), tuple(fixed_list(f"two-{lv}", 3))
        ).b64()
        for ct, m, r, lv in zip(cts, [1, 1, 0, 0], rs, eb.LEVELS, strict=True)
    ]
    total = elgamal.ciphertext_sum(cts)
    b["choices"]["m03"]["sum_proof"] = zkp.prove_zero_or_one(
        key,
        total,
        1,
        rs[0] + rs[1] + rs[2] + rs[3],
        eb.sum_context("R1", nonce, "m03"),
        tuple(fixed_list("two-sum", 3)),
    ).b64()
    case("two levels for one member", b, "choices.m03.sum_proof")
    case("a ballot of round R1 cast in round R2", copy.deepcopy(good), "round", round_id="R2")
    b = copy.deepcopy(good)
    b["round"] = "R2"
    case("proofs of round R1 relabelled R2", b, "choices.m01.proofs", round_id="R2")
    b = copy.deepcopy(good)
    b["choices"]["m01"], b["choices"]["m02"] = b["choices"]["m02"], b["choices"]["m01"]
    case("proofs moved to another question", b, "choices.m01.proofs")
    b = copy.deepcopy(good)
    b["nonce"] = b64url_encode(bytes([9]) * 16)
    case("ciphertexts copied under another nonce", b, "choices.m01.proofs")
    b = copy.deepcopy(good)
    other = Element.base_times(fixed("other-key", 0))
    b["key"] = other.b64()
    case("encrypted to another key", b, "key")
    b = copy.deepcopy(good)
    raw = bytearray(b64url_decode(b["choices"]["m01"]["proofs"][2]))
    raw[40] ^= 1
    b["choices"]["m01"]["proofs"][2] = b64url_encode(bytes(raw))
    case("a tampered proof", b, "choices.m01.proofs")
    b = copy.deepcopy(good)
    raw = bytearray(b64url_decode(b["choices"]["m02"]["proofs"][1]))
    c0 = int.from_bytes(raw[:32], "little") + ORDER
    raw[:32] = c0.to_bytes(32, "little")
    b["choices"]["m02"]["proofs"][1] = b64url_encode(bytes(raw))
    case("a non-canonical scalar (c0 + order) in a proof", b, "choices.m02.proofs")
    b = copy.deepcopy(good)
    raw = bytearray(b64url_decode(b["choices"]["m01"]["ciphertexts"][0]))
    raw[31] |= 0x80
    b["choices"]["m01"]["ciphertexts"][0] = b64url_encode(bytes(raw))
    case("an element with bit 255 set", b, "choices.m01.ciphertexts")
    b = copy.deepcopy(good)
    b["choices"]["m01"]["ciphertexts"][1] = b64url_encode(bytes.fromhex(RFC9496_BAD[12]) + bytes(32))
    case("an element that is not on the curve", b, "choices.m01.ciphertexts")
    b = copy.deepcopy(good)
    del b["choices"]["m03"]
    case("a question left out (a blank in the clear)", b, "choices")
    return out


def wrong_partial(counting: dict[str, Any]) -> dict[str, Any]:
    """Trustee 2's share for m01/HTXSNV replaced by share + G, its proof kept, re-signed."""
    seeds = [b64url_decode(s) for s in counting["ceremony"]["seeds"]]
    context = counting["ceremony"]["transcript"]["context"]
    trustee = committee.Trustee(seeds[1], context, 2)
    env = copy.deepcopy(counting["decryption"]["partials"][0]["envelope"])
    item = env["message"]["shares"]["m01"][0]
    item["share"] = (Element.from_b64(item["share"], allow_identity=True) + GENERATOR).b64()
    return {"trustee": 2, "envelope": trustee.sign(env["message"])}


def build() -> dict[str, Any]:
    counting = ceremony_and_counting()
    return {
        "about": "docs/encrypted-ballots.md; written by scripts/make_encrypted_ballot_vectors.py. "
        "Binary values are unpadded base64url unless named hex.",
        "group": group_vectors(),
        "hashing": hash_vectors(),
        "proofs": proof_vectors(),
        **counting,
        "invalid_ballots": invalid_ballots(counting),
        "wrong_partial": wrong_partial(counting),
    }


def render() -> str:
    return json.dumps(build(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size} bytes)")
