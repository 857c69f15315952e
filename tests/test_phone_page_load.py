"""What the phone's page costs on a slow room Wi-Fi (measured in bench/phone_first_paint.py):
every module the page's script imports is announced in its HTML so the browser fetches them
side by side, static files travel compressed, and nothing that carries a code, a token or a
ballot is ever compressed (its length would leak it, BREACH)."""

from __future__ import annotations

import re

from ballot.web.preload import module_graph

GZIP = {"Accept-Encoding": "gzip, deflate, br, zstd"}


def _imports(text: str) -> set[str]:
    return set(re.findall(r'from\s+"\./([^"]+)"', text))


def test_the_phone_page_announces_every_module_its_script_imports(server, host, repo_root):
    meeting = host.new_meeting()["meeting"]
    page = server.app.test_client().get(f"/j/{meeting['code']}").get_data(as_text=True)
    announced = re.findall(r'<link rel="modulepreload" href="/static/([^"]+)">', page)
    graph = module_graph("js/phone.js")
    assert announced == list(graph)
    phone_js = (repo_root / "static" / "js" / "phone.js").read_text(encoding="utf-8")
    assert {f"js/{name}" for name in _imports(phone_js)} <= set(graph)
    assert "vendor/noble-hashes/noble-hashes.js" in graph  # imported two levels down
    assert all((repo_root / "static" / path).is_file() for path in graph)


def test_static_files_are_compressed_and_nothing_with_a_secret_is(server, host):
    meeting = host.new_meeting()["meeting"]
    client = server.app.test_client()
    script = client.get("/static/js/phone.js", headers=GZIP)
    assert script.status_code == 200 and script.headers["Content-Encoding"] in {"zstd", "br", "gzip"}
    assert int(script.headers["Content-Length"]) < len(client.get("/static/js/phone.js").get_data()) / 2

    codes = host.ok("GET", f"/api/host/meetings/{meeting['id']}/personal-codes")["members"]
    personal = codes[0]["personal_code"]
    for answer in (client.get(f"/j/{meeting['code']}?c={personal}", headers=GZIP),
                   host.call("GET", f"/api/host/meetings/{meeting['id']}/personal-codes", headers=GZIP),
                   host.call("GET", f"/api/host/meetings/{meeting['id']}", headers=GZIP),
                   client.post("/api/join", json={"meeting_code": meeting["code"], "personal_code": personal},
                               headers=GZIP)):
        assert answer.status_code == 200
        assert "Content-Encoding" not in answer.headers
