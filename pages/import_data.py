"""Import (analysts): upload an export, watch its progress, read its summary."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.web import actions, components, resources, upload_files
from dashboard.web.upload_files import (
    TOPIC_TEMPLATES,
    ColumnMapping,
    choose_format,
    needs_mapping,
)

st.header("Import")
st.caption(
    "Upload an export: Discord (DiscordChatExporter JSON), Slack (workspace zip), Telegram "
    "(result.json), Discourse topics, Reddit dumps, or any CSV or JSONL with a column "
    "mapping. The format is recognised from the content. Importing the same file again adds "
    "nothing. Large files are better imported with `ecg import` on the server."
)


def mapping_inputs() -> ColumnMapping:
    st.info("A CSV or JSONL file: say which column holds each field.")
    columns = st.columns(3)
    pairs = []
    for index, (field, hint) in enumerate(
        [
            ("timestamp", "required"),
            ("author", "required"),
            ("text", "required"),
            ("channel", "optional"),
            ("id", "optional"),
            ("author_name", "optional"),
        ]
    ):
        column = columns[index % 3].text_input(f"Column for {field}", placeholder=hint)
        if column.strip():
            pairs.append(f"{field}={column.strip()}")
    return ColumnMapping.parse(pairs)


def body() -> None:
    upload = st.file_uploader("Export file", type=["json", "zip", "csv", "jsonl", "ndjson", "txt"])
    if upload is None:
        upload_files.discard()
        return
    path = upload_files.kept_copy(upload)
    fmt, why = choose_format(path)
    st.write(f"Format: **{fmt}** ({why})")
    left, right = st.columns(2)
    community = left.text_input("Community", value=components.current_filters().community or "main")
    source = right.text_input("Source name", value=Path(upload.name).name)
    topics = "none"
    if community.strip() not in set(resources.communities()["name"]):
        topics = st.selectbox(
            "Starting topics of the new community",
            list(TOPIC_TEMPLATES),
            format_func=lambda name: f"{name}: {TOPIC_TEMPLATES[name]}",
            help="Topics are rules you can change at any time on the Topics page.",
        )
    try:
        mapping = mapping_inputs() if needs_mapping(fmt) else None
    except ValueError as error:
        st.warning(components.plain(str(error)))
        return
    if not st.button("Import", type="primary"):
        return
    bar = st.progress(0.0, text="Importing…")

    def progress(summary) -> None:
        bar.progress(0.5, text=f"{summary.read:,} rows read, {summary.rate:,.0f}/s")

    done = actions.import_file(path, fmt, mapping, community, source, progress, topics)
    if not done:
        return
    summary = done.result
    bar.progress(1.0, text="Done")
    cols = st.columns(3)
    cols[0].metric("Imported", f"{summary.imported:,}")
    cols[1].metric("Skipped as duplicates", f"{summary.duplicates:,}")
    cols[2].metric("Rejected", f"{summary.rejected_total:,}")
    if summary.deleted_authors:
        st.caption(
            f"{summary.deleted_authors:,} messages of deleted or unknown authors were kept "
            "under one 'deleted' member, which no member figure counts."
        )
    if summary.past_retention:
        st.caption(
            f"{summary.past_retention:,} messages were older than the raw messages this "
            "installation keeps (its retention setting) and were not stored again; their "
            "hours are already counted in the charts."
        )
    for reason, count in summary.rejected.most_common():
        lines = ", ".join(str(n) for n in summary.rejected_lines[reason])
        st.text(f"{count:,} × {reason} (line {lines})")
    if summary.without_text:
        st.caption(
            "Posts without text, kept as member activity: "
            + ", ".join(f"{n:,} × {kind}" for kind, n in summary.without_text.most_common())
        )
    if summary.events:
        st.caption(
            "Platform events, not messages: "
            + ", ".join(f"{count:,} × {event}" for event, count in summary.events.most_common())
        )


components.database_guard(body)
