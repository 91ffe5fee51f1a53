"""Import (analysts): upload an export, watch its progress, read its summary."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.i18n import N_, _, listed, number
from dashboard.i18n.media_kinds import media_kind
from dashboard.i18n.reasons import translated
from dashboard.web import actions, components, resources, upload_files
from dashboard.web.streamlit_words import file_uploader
from dashboard.web.timeranges import PRESETS, range_with_data
from dashboard.web.upload_files import (
    EMPTY_FILE,
    REQUIRED_FIELDS,
    TOPIC_TEMPLATES,
    ColumnMapping,
    ImportFormatError,
    choose_format,
    columns_named,
    default_zone_name,
    needs_mapping,
    writes_clock_times,
)

st.header(_("Import"))
st.caption(
    _(
        "Upload an export: Discord (DiscordChatExporter JSON), Slack (workspace zip), Telegram "
        "(result.json), Discourse topics, Reddit dumps, Facebook Messenger, WhatsApp, WeChat "
        "and QQ chat exports, or any CSV or JSONL with a column mapping. The format is "
        "recognised from the content. "
        "Importing the same file again adds nothing. Large files are better imported with "
        "`ecg import` on the server."
    )
)
HINTS = {"required": N_("required"), "optional": N_("optional")}
OVERVIEW_PAGE = Path(__file__).with_name("overview.py")


MAPPED_FIELDS = (*REQUIRED_FIELDS, "channel", "id", "author_name", "reply_to", "title")


def mapping_inputs(named: dict[str, str]) -> ColumnMapping | None:
    """One input per field, filled with the column `named` for it (from the header); None
    (and why) while a required field has no column."""
    st.info(
        _(
            "A CSV or JSONL file: say which column holds each field. Columns whose name "
            "says their field are filled in; change any, or clear it."
        )
    )
    columns = st.columns(3)
    pairs = []
    for index, field in enumerate(MAPPED_FIELDS):
        hint = "required" if field in REQUIRED_FIELDS else "optional"
        column = columns[index % 3].text_input(
            _("Column for {field}").format(field=field),
            value=named.get(field, ""),
            placeholder=_(HINTS[hint]),
        )
        if column.strip():
            pairs.append(f"{field}={column.strip()}")
    given = {pair.partition("=")[0] for pair in pairs}
    missing = [field for field in REQUIRED_FIELDS if field not in given]
    if missing:
        st.warning(_("Say which column holds: {fields}.").format(fields=", ".join(missing)))
        return None
    return ColumnMapping.parse(pairs)


def body() -> None:
    if components.opened_community():
        st.switch_page(OVERVIEW_PAGE)
    upload = file_uploader(_("Export file"), ["json", "zip", "csv", "jsonl", "ndjson", "txt"])
    if upload is None:
        upload_files.discard()
        return
    path = upload_files.kept_copy(upload)
    try:
        fmt, why = choose_format(path)
    except ImportFormatError as error:
        if error.reason == EMPTY_FILE:
            st.error(_("This file is empty: export the chat again, or choose another file."))
            return
        st.error(
            _(
                "This file is none of the exports Community ECG reads (Discord, Slack, "
                "Telegram, Discourse, Reddit, Messenger, WhatsApp, WeChat, QQ), and no table. "
                "Convert it to CSV or JSON Lines and map its columns."
            )
        )
        return
    st.write(_("Format: **{format}** ({why})").format(format=fmt, why=translated(why)))
    left, right = st.columns(2)
    community = left.text_input(
        _("Community"), value=components.current_filters().community or "main"
    ).strip()
    source = right.text_input(_("Source name"), value=Path(upload.name).name).strip()
    if not community or not source:
        st.warning(_("Name the community and the source to import into."))
        return
    topics = "none"
    templates = {name: _(words) for name, words in TOPIC_TEMPLATES.items()}  # its own words
    if community not in set(resources.communities()["name"]):
        topics = st.selectbox(
            _("Starting topics of the new community"),
            list(TOPIC_TEMPLATES),
            format_func=templates.get,  # worded in this run's language
            help=_("Topics are rules you can change at any time on the Topics page."),
        )
    zone = clock_zone_input(fmt)
    mapping = None
    if needs_mapping(fmt):
        mapping = mapping_inputs(columns_named(path, fmt))
        if mapping is None:
            return
    if not st.button(_("Import"), type="primary"):
        return
    bar = st.progress(0.0, text=_("Importing…"))

    def progress(summary) -> None:
        bar.progress(
            0.5,
            text=_("{rows} rows read, {rate}/s").format(
                rows=number(summary.read), rate=number(summary.rate)
            ),
        )

    done = actions.import_file(path, fmt, mapping, community, source, progress, topics, zone)
    if not done:
        return
    summary = done.result
    bar.progress(1.0, text=_("Done"))
    cols = st.columns(3)
    cols[0].metric(_("Imported"), number(summary.imported))
    cols[1].metric(_("Skipped as duplicates"), number(summary.duplicates))
    cols[2].metric(_("Rejected"), number(summary.rejected_total))
    if summary.deleted_authors:
        st.caption(
            _(
                "{count} messages of deleted or unknown authors were kept under one 'deleted' "
                "member, which no member figure counts."
            ).format(count=number(summary.deleted_authors))
        )
    if summary.past_retention:
        st.caption(
            _(
                "{count} messages were older than the raw messages this installation keeps "
                "(its retention setting) and were not stored again; their hours are already "
                "counted in the charts."
            ).format(count=number(summary.past_retention))
        )
    for reason, count in summary.rejected.most_common():
        lines = ", ".join(str(n) for n in summary.rejected_lines[reason])
        st.text(
            _("{count} × {reason} (line {lines})").format(
                count=number(count), reason=translated(reason), lines=lines
            )
        )
    if summary.without_text:
        st.caption(
            _("Posts without text, kept as member activity: ")
            + listed(
                [f"{number(n)} × {media_kind(k)}" for k, n in summary.without_text.most_common()]
            )
        )
    if summary.events:
        st.caption(
            _("Platform events, not messages: ")
            + listed([f"{number(n)} × {translated(e)}" for e, n in summary.events.most_common()])
        )
    if summary.imported:
        open_button(community)


def clock_zone_input(fmt: str) -> str | None:
    """The zone of the clock times an export writes without one (WhatsApp, QQ, WeChat;
    a table's times without an offset), or None for an export that carries its own."""
    if not writes_clock_times(fmt):
        return None
    return st.selectbox(
        _("Time zone of the export's times"),
        components.zone_choices(default_zone_name(fmt)),
        key="import-zone",
        help=_(
            "The export writes clock times without a zone (a table: times without an "
            "offset). Choose the zone of the phone or computer that exported it; importing "
            "the same file again in another zone adds nothing."
        ),
    )


def open_button(community: str) -> None:
    """A button to the community just imported into: the sidebar set on it, the range on
    its newest data when the range chosen holds none of it, the Overview page opened."""
    filters = components.current_filters()
    communities = resources.communities()
    community_id = int(communities.loc[communities["name"] == community, "id"].iloc[0])
    extent = resources.data_extent(community_id)
    shown = filters.time_range
    outside = extent is not None and (extent[1] < shown.start or extent[0] >= shown.end)
    st.button(
        _("Open {community}").format(community=components.plain(community)),
        type="primary",
        on_click=components.open_community,
        args=(community, range_with_data(extent[1], PRESETS["Last 30 days"]) if outside else None),
        kwargs={"timezone": filters.timezone},
        help=_("Shows this community in the sidebar and opens its overview."),
    )


components.database_guard(body)
