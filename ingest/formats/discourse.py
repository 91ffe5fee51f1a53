"""Discourse: topics with their posts, as the API returns them (`/t/{id}.json`), one topic
per file or a JSON list of topics.

Each regular post is a message; its text is the rendered HTML (`cooked`) turned back into
plain text. A post answers the post it names in `reply_to_post_number`, or else the
topic's first post. The category is the channel ("category 5" when only its id is known).
The `system` and `discobot` users are bots. Small actions (closed, pinned, ...) and
whispers are counted apart.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

from ingest.formats.sniff import head_of
from ingest.formats.tabular import parse_timestamp
from ingest.records import (
    MAX_TEXT_CHARS,
    ImportFormatError,
    NotAMessage,
    ParsedRow,
    RawMessage,
    RowError,
)

REGULAR_POST = 1
BOT_USERNAMES = frozenset({"system", "discobot"})


def looks_like_discourse(path: Path) -> bool:
    head = head_of(path)
    return b'"post_stream"' in head or (b'"posts"' in head and b'"post_number"' in head)


def read_discourse(path: Path) -> Iterator[ParsedRow]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ImportFormatError(
            str(path), getattr(error, "lineno", 0), f"broken JSON: {error}"
        ) from None
    topics = data if isinstance(data, list) else [data]
    count = 0
    for topic in topics:
        if not isinstance(topic, dict) or not isinstance(topic.get("post_stream"), dict):
            raise ImportFormatError(
                str(path),
                0,
                "a topic without post_stream: not a Discourse topic as the API returns it",
            )
        for post in topic["post_stream"].get("posts") or []:
            count += 1
            yield ParsedRow.attempt(count, _message, post, topic)
    if count == 0:
        raise ImportFormatError(str(path), 0, "no posts in this file")


def _message(post, topic: dict) -> RawMessage:
    if not isinstance(post, dict):
        raise RowError("a post that is not a JSON object")
    if post.get("post_type", REGULAR_POST) != REGULAR_POST:
        raise NotAMessage(
            f"{post.get('action_code') or 'post type'} {post.get('post_type')} (an action or a "
            "whisper)"
        )
    username = post.get("username")
    if not username:
        raise RowError("no author")
    # a post's HTML beyond a few times the text kept is never read (a 50 MB post took 900 MB)
    text = plain_text(str(post.get("cooked") or "")[: MAX_TEXT_CHARS * 4])
    if not text:
        raise RowError("no text")
    topic_id, number = topic.get("id"), post.get("post_number")
    if number is None:
        raise RowError("no post_number")
    answered = post.get("reply_to_post_number") or (1 if number != 1 else None)
    category = topic.get("category_name") or f"category {topic.get('category_id', '?')}"
    return RawMessage(
        external_id=f"{topic_id}#{number}",
        sent_at=parse_timestamp(str(post.get("created_at") or "")),
        channel=str(category),
        author_id=str(username),
        author_name=str(post.get("name") or username),
        text=text,
        reply_to=f"{topic_id}#{answered}" if answered else None,
        is_bot=str(username) in BOT_USERNAMES,
    )


_BLOCKS = frozenset(
    {"p", "br", "div", "li", "blockquote", "aside", "pre", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}
)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(cooked: str) -> str:
    """Discourse's rendered HTML as the text a reader sees (quotes included)."""
    parser = _Text()
    parser.feed(cooked)
    parser.close()
    return " ".join("".join(parser.parts).split())
