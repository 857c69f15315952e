"""The phones of bench/meeting_load.py: one worker process of cooperative phones.

Run as a program (`python bench/phones.py`, started by meeting_load.py) it patches the
standard library with gevent's cooperative sockets, locks and sleeps before anything
else is imported, so its phones are greenlets on one OS thread: a phone waiting for the
server costs its process nothing, as a phone in the room costs the server's machine
nothing. With 500 OS threads a process instead (the earlier generator), switching
between them took most of the machine's two cores at N = 1,000 and the run measured
the load generator rather than the server.

Protocol with meeting_load.py, on the worker's standard streams:
    stdin:  one JSON line {"cfg": ..., "phones": [...]}, then the lines "go" and "stop"
    stdout: one JSON array a line, each a progress message of phone_worker()
Only those lines go to stdout; anything a library says goes to stderr.

Imported (meeting_load.py's projectors and host console use light_client), nothing is
patched.
"""

if __name__ == "__main__":  # before any other import: every socket, lock and sleep cooperative
    from gevent import monkey

    monkey.patch_all()

import json  # noqa: E402
import random  # noqa: E402
import secrets  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from encrypted_meeting import encrypt_choices  # noqa: E402  (bench/, beside this script)

LEVELS = ["HTXSNV", "HTTNV", "HTNV", "KHTNV"]
# websocket-client checks UTF-8 in pure Python (about 4 ms per 7 kB message); a browser
# does it natively. Skipped, so the simulated phones cost their machine what phones would.
WS_OPTIONS = {"skip_utf8_validation": True}


def light_client():
    """A python-socketio client over WebSocket that costs its process what a phone's
    browser would: no UTF-8 check in pure Python (WS_OPTIONS), and each message's
    handler run on the reading thread instead of a new thread per message (the
    handlers here only record and set events). It reconnects as static/js/live.js
    does (after 1 s, at most 5 s apart); its "connect" handler joins the room again."""
    import logging

    import engineio
    import socketio

    # "packet queue is empty, aborting" and the like when a channel drops: counted instead
    logging.getLogger("engineio.client").setLevel(logging.CRITICAL)
    logging.getLogger("socketio.client").setLevel(logging.CRITICAL)

    class InlineEngineIO(engineio.Client):
        def _trigger_event(self, event, *args, **kwargs):
            if event == "message":
                kwargs["run_async"] = False
            return super()._trigger_event(event, *args, **kwargs)

    class LightClient(socketio.Client):
        def _engineio_client_class(self):
            return InlineEngineIO

    return LightClient(reconnection=True, reconnection_delay=1, reconnection_delay_max=5,
                       websocket_extra_options=WS_OPTIONS)


# ---------------------------------------------------------------------------------------
# phones (a worker process, one greenlet per phone)
# ---------------------------------------------------------------------------------------


def phone_worker(cfg: dict[str, Any], phones: list[dict[str, Any]], emit, go, stop) -> None:
    """The phones of one worker, a greenlet each (a thread each when not run under
    gevent). Reports progress through `emit`: ("ready", wid), ("joined", idx, ok),
    ("done", idx, ack_wall | None), ("result", wid, records, cpu_s)."""
    import requests
    from cryptography.hazmat.primitives import serialization

    from ballot.crypto import blind_rsa
    from ballot.crypto.canonical import canonical_json
    from ballot.crypto.encoding import b64url_decode, b64url_encode

    if cfg["encrypted"]:  # loaded with the phone page, before the round: not in the encryption's time
        import ballot.crypto.committee  # noqa: F401
        import ballot.crypto.encrypted_ballot  # noqa: F401

    base = cfg["base_url"]
    round_open = threading.Event()  # set by any realtime phone of this worker (or the poller)
    opened: dict[str, Any] = {}  # the open round as the room's push named it, for every phone of the worker
    keys: dict[str, Any] = {}
    keys_lock = threading.Lock()
    sockets: list[Any] = []
    records: list[dict[str, Any]] = []
    emit(("ready", cfg["worker_id"]))
    go.wait()
    t0 = cfg["start_wall"]

    def public_key(round_: dict[str, Any]):
        with keys_lock:
            if round_["id"] not in keys:
                keys[round_["id"]] = serialization.load_pem_public_key(
                    round_["public_key"]["spki_pem"].encode())
            return keys[round_["id"]]

    forms: dict[str, tuple[bytes, dict[str, Any]]] = {}  # ETag -> (the bytes, parsed)

    def parsed_form(answer) -> dict[str, Any]:
        """The form as parsed, once per worker for the same bytes: each phone downloads
        all of it from the server, but parsing 1,000 questions is the phone's own CPU
        (native in its browser), and in Python, a phone after another, it took the
        cores the server runs on. Only the very same bytes under the same ETag are
        shared; the parsed form is only read."""
        tag, body = answer.headers.get("ETag", ""), answer.content
        held = forms.get(tag)
        if held is None or held[0] != body:
            held = forms[tag] = (body, answer.json())
        return held[1]

    def request(rec, step, session, method, path, **kwargs):
        rec[f"{step}_at"] = time.time()
        started = time.perf_counter()
        # With two server processes a phone casts on the other one than it joined on.
        target = cfg.get("cast_base_url", base) if step == "cast" else base
        try:
            answer = session.request(method, target + path, timeout=cfg["http_timeout"], **kwargs)
        except requests.RequestException as exc:
            rec["errors"].append(f"{step}: {type(exc).__name__}: {exc}"[:300])
            rec["statuses"].append("exc")
            return None
        rec[f"{step}_ms"] = (time.perf_counter() - started) * 1000
        rec["statuses"].append(answer.status_code)
        return answer

    def request_again_if_dropped(rec, step, session, method, path, **kwargs):
        """Signing and casting as the phone page does them: the blinded ballot, then the
        signed one, is stored first, and a dropped connection is asked again with it
        (casting.js: resumeSigning, RetryLater; the server answers a repeated request as
        the first). Once, after a second; the drop is counted apart, not as a failure.
        The state and the form too: a keep-alive connection idle past the server's
        read_timeout is closed by it, and a browser asks again on a new one."""
        answer = request(rec, step, session, method, path, **kwargs)
        if answer is None:
            rec["retried"].append(rec["errors"].pop())
            rec["statuses"][-1] = "exc, asked again"
            time.sleep(1.0)  # the page's pause before it asks again, not a synchronisation
            answer = request(rec, step, session, method, path, **kwargs)
        return answer

    def run_phone(phone: dict[str, Any]) -> None:
        rec: dict[str, Any] = {"index": phone["index"], "member_id": phone["id"], "status": phone["status"],
                               "realtime": phone["realtime"], "errors": [], "statuses": [], "retried": [],
                               "state_events": 0, "disconnects": 0, "can_vote": None,
                               "tracking_code": None}
        records.append(rec)
        rng = random.Random(cfg["seed"] * 100_003 + phone["index"])
        ack_wall = None
        joined = False
        try:
            time.sleep(max(0.0, t0 + phone["join_at"] - time.time()))
            http = requests.Session()
            answer = request(rec, "join", http, "POST", "/api/join", json={
                "meeting_code": cfg["meeting_code"], "personal_code": phone["personal_code"]})
            if answer is None or answer.status_code != 200:
                if answer is not None:
                    rec["errors"].append(f"join: {answer.status_code} {answer.text[:200]}")
                return
            seen = threading.Event() if phone["realtime"] else round_open
            if phone["realtime"]:
                client = light_client()

                @client.on("state")
                def on_state(data):
                    rec["state_events"] += 1
                    round_ = (data or {}).get("round") or {}
                    if round_.get("status") == "open":
                        opened["round"] = round_
                        seen.set()
                        round_open.set()

                @client.on("connect")
                def on_connect(client=client):  # also after a reconnection: join the room again
                    client.emit("join", {"meeting_id": cfg["meeting_id"], "role": "public"})

                @client.on("disconnect")
                def on_disconnect(*_args):
                    if not stop.is_set():
                        rec["disconnects"] += 1

                try:
                    client.connect(base, transports=["websocket"], wait_timeout=cfg["http_timeout"])
                    sockets.append(client)
                except Exception as exc:
                    rec["errors"].append(f"socket: {type(exc).__name__}: {exc}"[:300])
                    seen = round_open  # fall back to the worker's signal, and say so
            # The page's state once it has joined (phone.js asks again on the live channel's
            # first push, before any round; the benchmark's phones once).
            answer = request_again_if_dropped(rec, "state", http, "GET", "/api/state")
            if answer is None or answer.status_code != 200:
                if answer is not None:
                    rec["errors"].append(f"state: {answer.status_code} {answer.text[:200]}")
                return
            me = answer.json()["me"]
            rec["can_vote"] = me["can_vote"]
            joined = True
            emit(("joined", phone["index"], True))

            if not seen.wait(cfg["round_timeout"]):
                rec["errors"].append("round never seen open")
                return
            seen_at = time.monotonic()
            # the phone page's spread before it fetches the form (phone.js, refetchSpread): 10 ms
            # a phone present, 0.4 to 2 s; the wait is in "ready" (open → form in hand). The
            # push named the open round and its form: no state is asked for (phone.js, followRound).
            time.sleep(rng.uniform(0, min(2.0, max(0.4, 0.01 * cfg["phones_present"]))))
            round_ = opened.get("round")
            if not round_ or not round_.get("form"):
                rec["errors"].append("push: no open round with its form's version")
                return
            round_ = {key: round_[key] for key in ("id", "number", "kind", "status", "form")}
            # Compressed, as a browser asks for it (inflated in C here too).
            answer = request_again_if_dropped(rec, "form", http, "GET", f"/api/rounds/{round_['id']}/form")
            if answer is None or answer.status_code != 200:
                if answer is not None:
                    rec["errors"].append(f"form: {answer.status_code} {answer.text[:200]}")
                return
            round_ = {**parsed_form(answer), **round_}
            rec["ready_ms"] = (time.monotonic() - seen_at) * 1000
            if not me["can_vote"]:
                return  # a probationary member takes part but does not vote
            # the member fills in the ballot: signing starts `arrival` after the round opened
            time.sleep(max(0.0, seen_at + phone["arrival"] - time.monotonic()))
            key = public_key(round_)
            choices = {q["id"]: rng.choice(LEVELS) for q in round_["questions"] if rng.random() > 0.05}
            if cfg["encrypted"]:
                if not round_.get("committee"):
                    rec["errors"].append("state: --encrypted but the round's form has no committee")
                    return
                # The phone's own CPU in a meeting: timed as this thread's CPU (the wall
                # time also holds the other phone threads of this process).
                cpu, started = time.thread_time(), time.perf_counter()
                text = encrypt_choices(round_, choices)
                rec["encrypt_ms"] = (time.perf_counter() - started) * 1000
                rec["encrypt_cpu_ms"] = (time.thread_time() - cpu) * 1000
                rec["ballot_bytes"] = len(text)
            else:
                text = canonical_json({"round": round_["id"], "choices": choices,
                                       "nonce": b64url_encode(secrets.token_bytes(16))})
            prefix, prepared = blind_rsa.prepare(text)
            blinded, inv = blind_rsa.blind(key, prepared)
            answer = request_again_if_dropped(rec, "sign", http, "POST", f"/api/rounds/{round_['id']}/sign",
                             json={"blinded": b64url_encode(blinded)})
            if answer is None or answer.status_code != 200:
                if answer is not None:
                    rec["errors"].append(f"sign: {answer.status_code} {answer.text[:200]}")
                return
            signature = blind_rsa.finalize(key, prepared, b64url_decode(answer.json()["blind_signature"]), inv)
            time.sleep(rng.uniform(*cfg["cast_delay"]))  # as casting.js: unlinks the cast from the signing
            anonymous = requests.Session()  # no cookie: the ballot arrives from nobody
            body = {"ballot": text.decode(), "prefix": b64url_encode(prefix), "signature": b64url_encode(signature)}
            answer = request_again_if_dropped(rec, "cast", anonymous, "POST",
                                              f"/api/rounds/{round_['id']}/ballots", json=body)
            ack_wall = time.time()
            if anonymous.cookies:
                rec["errors"].append("cast: the cookie-less session received a cookie")
            anonymous.close()
            if answer is None or answer.status_code != 201:
                if answer is not None:
                    rec["errors"].append(f"cast: {answer.status_code} {answer.text[:200]}")
                ack_wall = None
                return
            rec["tracking_code"] = answer.json()["tracking_code"]
            rec["ack_wall"] = ack_wall
            if cfg["encrypted"]:  # to check the decrypted counts against what was encrypted
                rec["choices"] = choices
            http.close()
        except Exception as exc:  # a phone's failure is a result, not a crash
            rec["errors"].append(f"phone: {type(exc).__name__}: {exc}"[:300])
        finally:
            if not joined:
                emit(("joined", phone["index"], False))
            emit(("done", phone["index"], ack_wall))

    def poll_round() -> None:
        """Only for a worker without a realtime phone: its phones learn of the round here."""
        import requests as rq

        while not round_open.is_set() and not stop.is_set():
            try:
                data = rq.get(f"{base}/api/meetings/{cfg['meeting_id']}/public", timeout=10).json()
                if (data.get("round") or {}).get("status") == "open":
                    opened["round"] = data["round"]
                    round_open.set()
            except Exception:  # the server is busy or restarting: ask again
                pass
            time.sleep(0.5)

    threads = [threading.Thread(target=run_phone, args=(p,), daemon=True) for p in phones]
    if not any(p["realtime"] for p in phones):
        threads.append(threading.Thread(target=poll_round, daemon=True))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.wait()
    disconnect_all(sockets)
    emit(("result", cfg["worker_id"], records, time.process_time()))


def disconnect_all(clients: list[Any]) -> None:
    """Close every Socket.IO client at once (each close waits for the server's reply)."""

    def close(client: Any) -> None:
        try:
            client.disconnect()
        except Exception:  # already gone
            pass

    threads = [threading.Thread(target=close, args=(c,), daemon=True) for c in clients]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 10
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))


def main() -> int:
    """The worker's program: its phones from the first line of stdin, then "go" and "stop"."""
    from gevent.fileobject import FileObject  # cooperative reads of the pipe (a thread on Windows)

    job = json.loads(sys.stdin.readline())
    go, stop = threading.Event(), threading.Event()
    out = sys.stdout
    sys.stdout = sys.stderr  # a stray print must not break the protocol

    def emit(message: tuple) -> None:
        out.write(json.dumps(message) + "\n")
        out.flush()

    def commands() -> None:
        for line in FileObject(sys.stdin.fileno(), "r", close=False):
            {"go": go, "stop": stop}[line.strip()].set()
        go.set()  # meeting_load.py went away: finish
        stop.set()

    threading.Thread(target=commands, daemon=True).start()
    phone_worker(job["cfg"], job["phones"], emit, go, stop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
