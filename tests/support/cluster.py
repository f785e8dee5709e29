"""A production-like deployment for tests: action servers and Rasa servers on loopback that
share PostgreSQL databases and a Redis, each database made and dropped by the test."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.servers import (
    DEMO_DIR,
    VOORBEELD_DIR,
    Server,
    actions,
    bot_env,
    import_municipalities,
    serve,
)


@dataclass
class Deployment:
    """The settings every process of one test deployment shares."""

    workdir: Path
    env: dict[str, str]
    token: str = field(default_factory=lambda: uuid.uuid4().hex)
    servers: list[Server] = field(default_factory=list)

    @classmethod
    def create(cls, workdir: Path, **settings: str) -> Deployment:
        deployment = cls(workdir, bot_env(workdir, **settings))
        deployment.env["WIJKWIJZER_API_TOKEN"] = deployment.token
        return deployment

    def import_data(self) -> None:
        import_municipalities(
            self.env, [directory for directory in (VOORBEELD_DIR, DEMO_DIR) if directory.is_dir()]
        )

    def action_server(self, name: str, **env: str) -> Server:
        return self._add(actions(self.workdir, dict(self.env, **env), name=name))

    def rasa_server(self, name: str, action_server: Server, **env: str) -> Server:
        server = serve(
            self.workdir, dict(self.env, **env), "--rasa-only",
            "--actions-url", f"{action_server.url}/webhook", name=name,
        )  # fmt: skip
        return self._add(server)

    def _add(self, server: Server) -> Server:
        self.servers.append(server)
        return server

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
