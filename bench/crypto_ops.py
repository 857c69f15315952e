"""Cost of each blind-signature operation on this machine (docs/protocol.md).

Times single calls (not batches) so the median and 95th percentile describe what one
phone's request costs. `blind_sign` is the server's work per voter and decides how
many phones one laptop serves; `verify` is the server's work per cast ballot and the
verifier's per counted ballot. `blind` and `finalize` run on phones (in JavaScript);
their Python cost is shown for information only.

The private-operation rows isolate RSASP1 on one blinded message: the constant-time
CRT used by `blind_sign` (gmpy2 powmod_sec) against the alternatives it replaces.

Usage: python bench/crypto_ops.py [--bits 2048 3072] [--runs 300] [--json out.json]
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import cryptography
import gmpy2
from cryptography.hazmat.backends.openssl.backend import backend as openssl_backend
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from machine import cpu_model  # noqa: E402  (bench/machine.py, beside this script)

from ballot.crypto import blind_rsa  # noqa: E402

INPUT_POOL = 32  # distinct inputs, cycled, so no run reuses the previous one's data


@dataclass
class Row:
    operation: str
    bits: int
    median_ms: float
    p95_ms: float
    runs: int
    note: str = ""


def measure(call: Callable[[int], object], runs: int, warmup: int = 5) -> tuple[float, float]:
    """Median and nearest-rank 95th percentile of single calls, in milliseconds."""
    for i in range(warmup):
        call(i)
    samples: list[int] = []
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for i in range(runs):
            start = time.perf_counter_ns()
            call(i)
            samples.append(time.perf_counter_ns() - start)
    finally:
        if gc_was_enabled:
            gc.enable()
    samples.sort()
    p95 = samples[max(0, math.ceil(0.95 * len(samples)) - 1)]
    return statistics.median(samples) / 1e6, p95 / 1e6


def bench_key(bits: int, runs: int, slow_runs: int) -> list[Row]:
    private_key = blind_rsa.generate_private_key(bits)
    public_key = private_key.public_key()
    numbers = private_key.private_numbers()
    n, d = numbers.public_numbers.n, numbers.d
    crt = blind_rsa._CrtKey(numbers)

    prepared = [blind_rsa.prepare(f"ballot {i}".encode())[1] for i in range(INPUT_POOL)]
    blinded = [blind_rsa.blind(public_key, msg) for msg in prepared]
    blind_sigs = [blind_rsa.blind_sign(private_key, b) for b, _ in blinded]
    signatures = [
        blind_rsa.finalize(public_key, msg, sig, inv)
        for msg, sig, (_, inv) in zip(prepared, blind_sigs, blinded, strict=True)
    ]
    blinded_ints = [int.from_bytes(b, "big") for b, _ in blinded]

    def pick(seq: Sequence, i: int):  # type: ignore[no-untyped-def]
        return seq[i % INPUT_POOL]

    def crt_with(powmod: Callable[[object, object, object], object]) -> Callable[[int], object]:
        p, q, d_p, d_q, q_inv = numbers.p, numbers.q, numbers.dmp1, numbers.dmq1, numbers.iqmp

        def run(i: int) -> object:
            m = pick(blinded_ints, i)
            s_p, s_q = powmod(m % p, d_p, p), powmod(m % q, d_q, q)
            return s_q + q * ((s_p - s_q) * q_inv % p)

        return run

    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA384()), salt_length=48)
    cases: list[tuple[str, Callable[[int], object], int, str]] = [
        ("blind_sign", lambda i: blind_rsa.blind_sign(private_key, pick(blinded, i)[0]), runs,
         "server, per voter: checks + CRT powmod_sec + s^e check"),
        ("verify", lambda i: blind_rsa.verify(public_key, pick(prepared, i), pick(signatures, i)), runs,
         "server per cast ballot; verifier per counted ballot"),
        ("blind", lambda i: blind_rsa.blind(public_key, pick(prepared, i)), runs, "phone (JS in production)"),
        ("finalize", lambda i: blind_rsa.finalize(
            public_key, pick(prepared, i), pick(blind_sigs, i), pick(blinded, i)[1]), runs,
         "phone (JS in production)"),
        ("RSASP1 CRT gmpy2.powmod_sec", lambda i: crt.rsasp1(pick(blinded_ints, i)), runs,
         "used: constant time"),
        ("RSASP1 CRT gmpy2.powmod", crt_with(gmpy2.powmod), runs, "not constant time; info"),
        ("RSASP1 CRT Python pow", crt_with(pow), slow_runs, "not constant time"),
        ("RSASP1 Python pow(m, d, n)", lambda i: pow(pick(blinded_ints, i), d, n), slow_runs,
         "no CRT, not constant time"),
        ("OpenSSL RSA-PSS sign (ref.)", lambda i: private_key.sign(pick(prepared, i), pss, hashes.SHA384()),
         runs, "cryptography, non-blind; reference only"),
    ]
    rows = []
    for name, call, count, note in cases:
        median_ms, p95_ms = measure(call, count)
        rows.append(Row(name, bits, median_ms, p95_ms, count, note))
    return rows


def machine() -> dict[str, str]:
    return {
        "cpu": cpu_model(),
        "python": platform.python_version(),
        "gmpy2": f"{gmpy2.version()} ({gmpy2.mp_version()})",
        "cryptography": f"{cryptography.__version__} ({openssl_backend.openssl_version_text()})",
    }


def print_table(rows: list[Row]) -> None:
    width = max(len(r.operation) for r in rows)
    print(f"| {'operation':<{width}} | bits | median ms | p95 ms | runs | note")
    print(f"|{'-' * (width + 2)}|------|-----------|--------|------|------")
    for r in rows:
        print(
            f"| {r.operation:<{width}} | {r.bits} | {r.median_ms:9.3f} | {r.p95_ms:6.3f} "
            f"| {r.runs:4d} | {r.note}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bits", type=int, nargs="+", default=[2048, 3072])
    parser.add_argument("--runs", type=int, default=300, help="runs per fast operation")
    parser.add_argument("--slow-runs", type=int, default=60, help="runs per pure-Python private op")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    args = parser.parse_args(argv)

    info = machine()
    for key, value in info.items():
        print(f"{key}: {value}")
    rows = [row for bits in args.bits for row in bench_key(bits, args.runs, args.slow_runs)]
    print()
    print_table(rows)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": info, "rows": [asdict(r) for r in rows]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
