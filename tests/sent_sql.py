"""The statements sent to the databases while a page renders: for the tests that read
their plans (test_page_plans) or check which server answered them (test_read_replica)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, event


@dataclass(frozen=True)
class Sent:
    statement: str
    parameters: object
    port: int | None  # the server's (PostgreSQL); None for SQLite


class SentSQL:
    """The SELECTs sent through any engine while it is open."""

    def __init__(self) -> None:
        self.sent: list[Sent] = []

    def __enter__(self) -> SentSQL:
        event.listen(Engine, "before_cursor_execute", self._keep)
        return self

    def __exit__(self, *exc) -> None:
        event.remove(Engine, "before_cursor_execute", self._keep)

    def _keep(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")) and not executemany:
            self.sent.append(Sent(statement, parameters, conn.engine.url.port))

    def ports_reading(self, table: str) -> set[int | None]:
        """The servers that answered the reads of `table`."""
        return {sent.port for sent in self.sent if f"FROM {table}" in sent.statement}
