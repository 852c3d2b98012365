"""The deploy kit in deploy/ is checked by the tools that will run it.

systemd-analyze verifies the unit (and scores its hardening), nginx -t and caddy validate check
the reverse-proxy examples, and the container's entry command and health check are the ones
the README documents, the health check answering as Docker reads it (exit 0 only on 200).
`make test` installs nginx and caddy from Debian packages when they are missing; run alone,
a missing tool fails the test with the package to install.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import yaml
from aiohttp import web

from testing.bot_process import free_port

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
# Every path the bot's HTTP server serves, as the README's examples configure them.
SERVED_PATHS = ("/tg", "/zalo", "/files/", "/web/", "/healthz", "/readyz", "/metrics")
CERT = "/etc/letsencrypt/live/bot.example.org/fullchain.pem"
KEY = "/etc/letsencrypt/live/bot.example.org/privkey.pem"


def tool(name: str, package: str) -> str:
    """The path of a tool the test needs, or a failure naming the package to install."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if found is None:
        pytest.fail(f"`{name}` is missing: apt-get install {package} (make test installs it)")
    return found


def test_the_systemd_unit_verifies_and_is_hardened(tmp_path: Path) -> None:
    """systemd-analyze verify finds nothing; the exposure score stays low."""
    analyze = tool("systemd-analyze", "systemd")
    unit = (DEPLOY / "bietphai.service").read_text()
    for line in (
        "User=bietphai",
        "WorkingDirectory=/var/lib/bietphai",
        "EnvironmentFile=/etc/bietphai/bietphai.env",
        "Restart=always",
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ReadWritePaths=/var/lib/bietphai",
        "UMask=0077",
    ):
        assert line in unit.splitlines(), line
    # verify checks that ExecStart exists: point it at this test run's bietphai.
    here = Path(sys.executable).parent / "bietphai"
    local = tmp_path / "bietphai.service"
    local.write_text(unit.replace("/opt/bietphai/venv/bin/bietphai", str(here)))
    verify = subprocess.run(
        [analyze, "verify", str(local)], capture_output=True, text=True, check=False
    )
    assert (verify.returncode, verify.stderr) == (0, ""), verify.stderr
    security = subprocess.run(
        [analyze, "security", "--offline=true", str(local)],
        capture_output=True,
        text=True,
        check=False,
    )
    score = re.search(r"Overall exposure level for \S+: ([\d.]+)", security.stdout)
    assert score is not None, security.stdout + security.stderr
    assert float(score.group(1)) <= 2.0, security.stdout


def certificate(folder: Path) -> None:
    """A throw-away self-signed certificate (cert.pem, key.pem) where certbot's would be."""
    openssl = tool("openssl", "openssl")
    subprocess.run(
        [
            *(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-subj", "/CN=bot.example.org", "-keyout", str(folder / "key.pem")),
            *("-out", str(folder / "cert.pem")),
        ],
        capture_output=True,
        check=True,
    )


def test_nginx_accepts_the_example(tmp_path: Path) -> None:
    """nginx -t on the example, with a throw-away certificate where certbot puts the real one."""
    nginx = tool("nginx", "nginx-light")
    certificate(tmp_path)
    site = (DEPLOY / "nginx" / "bietphai.conf").read_text()
    assert CERT in site and KEY in site
    (tmp_path / "site.conf").write_text(
        site.replace(CERT, str(tmp_path / "cert.pem")).replace(KEY, str(tmp_path / "key.pem"))
    )
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n    include {tmp_path}/site.conf;\n}}\n"
    )
    check = subprocess.run(
        [nginx, "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr
    assert "test is successful" in check.stderr


def test_caddy_accepts_the_example(tmp_path: Path) -> None:
    """caddy validate on the example Caddyfile."""
    caddy = tool("caddy", "caddy")
    home = {name: str(tmp_path) for name in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME")}
    caddyfile = str(DEPLOY / "caddy" / "Caddyfile")
    check = subprocess.run(
        [caddy, "validate", "--config", caddyfile, "--adapter", "caddyfile"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", **home},
        check=False,
    )
    assert check.returncode == 0, check.stderr
    assert "Valid configuration" in check.stdout + check.stderr


def test_both_proxies_forward_every_path_the_bot_serves_and_refuse_big_bodies() -> None:
    """Webhooks, file links, dashboard, health, metrics; a 1 MB body limit; secret headers."""
    nginx = (DEPLOY / "nginx" / "bietphai.conf").read_text()
    caddy = (DEPLOY / "caddy" / "Caddyfile").read_text()
    for path in SERVED_PATHS:
        assert re.search(rf"location (= )?{re.escape(path)} ", nginx), path
        assert re.search(rf"@bot path .*{re.escape(path.rstrip('/'))}", caddy), path
    assert "client_max_body_size 1m;" in nginx and "max_size 1MB" in caddy
    assert "X-Telegram-Bot-Api-Secret-Token $http_x_telegram_bot_api_secret_token" in nginx
    assert "X-Bot-Api-Secret-Token $http_x_bot_api_secret_token" in nginx
    # HTTPS: nginx serves 443 with a certificate and sends port 80 there; Caddy does it itself.
    assert "listen 443 ssl" in nginx and "return 301 https://" in nginx
    assert caddy.count("bot.example.org {") == 1 and "http://" not in caddy


def dockerfile_instruction(name: str) -> str:
    """The arguments of one Dockerfile instruction (continuation lines joined)."""
    text = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ")
    found = re.findall(rf"^{name} (.+)$", text, flags=re.MULTILINE)
    assert found, name
    return " ".join(found[-1].split())


def readme_section(title: str) -> str:
    """One '## title' section of the README."""
    text = (ROOT / "README.md").read_text()
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", text, re.MULTILINE | re.DOTALL)
    assert match is not None, f"README has no '## {title}' section"
    return match.group(1)


def healthcheck_command() -> list[str]:
    """The HEALTHCHECK of the image, as an argument list."""
    health = dockerfile_instruction("HEALTHCHECK")
    command = json.loads(health.split(" CMD ", 1)[1])
    assert isinstance(command, list)
    return [str(part) for part in command]


def test_the_image_runs_and_checks_what_the_readme_documents() -> None:
    """ENTRYPOINT, CMD and HEALTHCHECK of the image and compose.yaml are those of the README."""
    deploy = readme_section("Deploy")
    entrypoint = dockerfile_instruction("ENTRYPOINT")
    cmd = dockerfile_instruction("CMD")
    assert (entrypoint, cmd) == ('["bietphai"]', '["run"]')
    assert f"ENTRYPOINT {entrypoint}" in deploy and f"CMD {cmd}" in deploy
    command = healthcheck_command()
    assert command[:2] == ["python", "-c"] and "/readyz" in command[2]
    assert command[2] in deploy, "the README quotes the health check command"
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    service = compose["services"]["bietphai"]
    assert service["healthcheck"]["test"] == ["CMD", *command]
    assert service["command"] == ["run"]
    assert service["restart"] == "always"
    assert any(v.endswith(":/var/lib/bietphai/data") for v in service["volumes"])
    assert "bietphai-data" in compose["volumes"]


@pytest.fixture
async def readiness() -> AsyncIterator[tuple[int, list[int]]]:
    """A local /readyz whose answer the test sets: (port, [status])."""
    status = [200]

    async def readyz(request: web.Request) -> web.Response:
        return web.json_response({"status": "x"}, status=status[0])

    app = web.Application()
    app.router.add_get("/readyz", readyz)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield int(runner.addresses[0][1]), status
    await runner.cleanup()


async def test_the_health_check_passes_only_when_readyz_says_200(
    readiness: tuple[int, list[int]],
) -> None:
    """Docker marks the container unhealthy on a 503 or no answer, healthy on a 200."""
    port, status = readiness
    command = healthcheck_command()
    assert command[0] == "python"
    run = [sys.executable, *command[1:]]

    async def exit_code() -> int:
        process = await asyncio.create_subprocess_exec(
            *run, env={"BOT_HTTP_PORT": str(port)}, stderr=subprocess.DEVNULL
        )
        return await process.wait()

    assert await exit_code() == 0
    status[0] = 503
    assert await exit_code() != 0


@pytest.fixture
async def upstream() -> AsyncIterator[tuple[int, list[web.Request]]]:
    """Stands in for the bot's HTTP server: records every request that reaches it."""
    seen: list[web.Request] = []

    async def record(request: web.Request) -> web.Response:
        await request.read()
        seen.append(request)
        return web.Response(text="ok from the bot")

    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_route("*", "/{tail:.*}", record)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield int(runner.addresses[0][1]), seen
    await runner.cleanup()


async def test_nginx_forwards_the_bots_paths_with_their_secrets_and_nothing_else(
    tmp_path: Path, upstream: tuple[int, list[web.Request]]
) -> None:
    """The example running for real: paths, secret headers, the 1 MB limit, HTTPS redirect."""
    nginx = tool("nginx", "nginx-light")
    await asyncio.to_thread(certificate, tmp_path)
    bot_port, seen = upstream
    https, plain = free_port(), free_port()
    site = (
        (DEPLOY / "nginx" / "bietphai.conf")
        .read_text()
        .replace(CERT, str(tmp_path / "cert.pem"))
        .replace(KEY, str(tmp_path / "key.pem"))
        .replace("server 127.0.0.1:8443;", f"server 127.0.0.1:{bot_port};")
        .replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;")
        .replace("listen 80;", f"listen 127.0.0.1:{plain};")
    )
    site = "\n".join(line for line in site.splitlines() if "listen [::]" not in line)
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n    include {tmp_path}/site.conf;\n}}\n"
    )
    server = await asyncio.create_subprocess_exec(
        nginx, "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path), "-g", "daemon off;"
    )
    try:
        async with aiohttp.ClientSession(headers={"Host": "bot.example.org"}) as session:
            base = f"https://127.0.0.1:{https}"
            for _ in range(100):  # nginx binds within a moment
                try:
                    async with session.get(f"{base}/healthz", ssl=False) as response:
                        assert response.status == 200
                        break
                except aiohttp.ClientConnectorError:
                    await asyncio.sleep(0.05)
            secrets = {
                "/tg": {"X-Telegram-Bot-Api-Secret-Token": "tg-secret"},
                "/zalo": {"X-Bot-Api-Secret-Token": "zalo-secret-123"},
            }
            for path, header in secrets.items():
                async with session.post(
                    base + path, json={"update_id": 1}, headers=header, ssl=False
                ) as response:
                    assert response.status == 200, path
                name, value = next(iter(header.items()))
                assert seen[-1].path == path and seen[-1].headers[name] == value
            for path in ("/files/abc.png", "/web/", "/readyz"):
                async with session.get(base + path, ssl=False) as response:
                    assert response.status == 200, path
                assert seen[-1].path == path
            bearer = {"Authorization": "Bearer metrics-token"}
            async with session.get(base + "/metrics", headers=bearer, ssl=False) as response:
                assert response.status == 200
            assert seen[-1].headers["Authorization"] == "Bearer metrics-token"
            reached = len(seen)
            async with session.get(base + "/admin", ssl=False) as response:
                assert response.status == 404
            big = b"x" * (2 * 1024 * 1024)
            async with session.post(base + "/tg", data=big, ssl=False) as response:
                assert response.status == 413
            assert len(seen) == reached, "nothing else reaches the bot"
            async with session.get(
                f"http://127.0.0.1:{plain}/tg", allow_redirects=False
            ) as response:
                assert response.status == 301
                assert response.headers["Location"] == "https://bot.example.org/tg"
    finally:
        server.terminate()
        await server.wait()
