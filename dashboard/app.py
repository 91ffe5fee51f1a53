"""The Streamlit entry point: page config, sign-in, the pages of the viewer's role,
the shared sidebar."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from access.permissions import Action
from dashboard.i18n import N_, _
from dashboard.web import auth, components, languages, streamlit_words

PAGES = Path(__file__).resolve().parents[1] / "pages"
DEFAULT_PATH = "start"  # the path Streamlit reserves for the page served at "/"


@dataclass(frozen=True)
class PageSpec:
    file: str
    title: str
    icon: str
    section: str
    needs: Action


PAGE_SPECS = (
    PageSpec(
        "live.py", N_("Live"), ":material/monitor_heart:", N_("Monitor"), Action.VIEW_MONITORING
    ),
    PageSpec(
        "sentiment.py", N_("Sentiment"), ":material/mood:", N_("Monitor"), Action.VIEW_MONITORING
    ),
    PageSpec(
        "topic_heat.py",
        N_("Topic heat"),
        ":material/local_fire_department:",
        N_("Monitor"),
        Action.VIEW_MONITORING,
    ),
    PageSpec(
        "forecasts.py",
        N_("Forecasts"),
        ":material/trending_up:",
        N_("Monitor"),
        Action.VIEW_MONITORING,
    ),
    PageSpec(
        "alerts.py", N_("Alerts"), ":material/notifications:", N_("Monitor"), Action.VIEW_MONITORING
    ),
    PageSpec(
        "community_members.py",
        N_("Members"),
        ":material/diversity_3:",
        N_("Monitor"),
        Action.VIEW_MONITORING,
    ),
    PageSpec(
        "member_profile.py",
        N_("Member profile"),
        ":material/person_search:",
        N_("Monitor"),
        Action.VIEW_MONITORING,
    ),
    PageSpec(
        "segments.py",
        N_("Segments"),
        ":material/filter_alt:",
        N_("Monitor"),
        Action.VIEW_MONITORING,
    ),
    PageSpec(
        "weekly.py",
        N_("Weekly report"),
        ":material/event_note:",
        N_("Report"),
        Action.VIEW_OVERVIEW,
    ),
    PageSpec(
        "overview.py", N_("Overview"), ":material/summarize:", N_("Report"), Action.VIEW_OVERVIEW
    ),
    PageSpec("topics.py", N_("Topics"), ":material/sell:", N_("Configure"), Action.EDIT_TOPICS),
    PageSpec(
        "thresholds.py", N_("Thresholds"), ":material/tune:", N_("Configure"), Action.EDIT_RULES
    ),
    PageSpec(
        "import_data.py", N_("Import"), ":material/upload:", N_("Configure"), Action.IMPORT_DATA
    ),
    PageSpec(
        "members.py", N_("Bots and staff"), ":material/badge:", N_("Configure"), Action.MARK_MEMBERS
    ),
    PageSpec(
        "people.py", N_("People"), ":material/join:", N_("Configure"), Action.MERGE_IDENTITIES
    ),
    PageSpec("users.py", N_("Users"), ":material/group:", N_("Admin"), Action.MANAGE_USERS),
    PageSpec("audit.py", N_("Audit log"), ":material/history:", N_("Admin"), Action.READ_AUDIT_LOG),
)


def role_navigation(account) -> dict[str, list]:
    """The role's pages by section; every other page stays reachable by URL only to say
    that this role cannot open it."""
    sections: dict[str, list] = {}
    default_set = False
    for spec in PAGE_SPECS:
        url_path = spec.file.removesuffix(".py")
        section = sections.setdefault(_(spec.section), [])
        if not auth.allowed(account, spec.needs):
            denied = auth.denied(_(spec.title), account, spec.needs)
            section.append(
                st.Page(denied, title=_(spec.title), url_path=url_path, visibility="hidden")
            )
            continue
        # the first page is served at "/" but reserves its path, where Streamlit then
        # says "Page not found": it reserves DEFAULT_PATH instead, and a hidden page at
        # its own path opens it
        first = not default_set
        page = st.Page(
            PAGES / spec.file,
            title=_(spec.title),
            icon=spec.icon,
            url_path=DEFAULT_PATH if first else url_path,
            default=first,
        )
        section.append(page)
        if first:
            opener = _switch_to(page, url_path)
            section.append(
                st.Page(opener, title=_(spec.title), url_path=url_path, visibility="hidden")
            )
        default_set = True
    return sections


def _switch_to(page, url_path: str):
    def open_default_page() -> None:
        st.switch_page(page)

    open_default_page.__name__ = f"open_default_page_at_{url_path}"
    return open_default_page


logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
logging.getLogger("fontTools").setLevel(logging.WARNING)  # it logs every glyph of a PDF
st.set_page_config(page_title="Community ECG", page_icon=":material/monitor_heart:", layout="wide")


def at_every_address(page, title: str, icon: str) -> list:
    """`page` as the default, and again (hidden) at every page's address, so the page
    asked for is not "not found" and opens once this one is done."""
    pages = [st.Page(page, title=title, icon=icon, default=True)]
    for spec in PAGE_SPECS:
        url_path = spec.file.removesuffix(".py")
        pages.append(
            st.Page(
                auth.page_at(page, url_path), title=title, url_path=url_path, visibility="hidden"
            )
        )
    return pages


languages.install()
account = components.database_guard_value(auth.current_account)
if account is None:  # the sign-in form, at every page's address
    streamlit_words.translate_input_hints()
    st.navigation(at_every_address(auth.login_page, _("Sign in"), ":material/login:")).run()
elif account.must_change_password:  # then the page asked for opens
    change = auth.change_password_page_of(account)
    streamlit_words.translate_input_hints()
    st.navigation(at_every_address(change, _("New password"), ":material/password:")).run()
else:
    languages.adopt(account)
    sections = role_navigation(account)
    navigation = st.navigation(sections, expanded=True)  # every page of the role in view
    auth.account_box(account)
    languages.picker(account)
    streamlit_words.translate_input_hints()
    if components.database_guard(lambda: components.sidebar(account)):
        components.database_guard(components.worker_banner)
        components.database_guard(components.replica_banner)
        if auth.allowed(account, Action.VIEW_MONITORING):
            alerts_page = next(
                (p for pages in sections.values() for p in pages if p.url_path == "alerts"),
                None,
            )
            components.database_guard(lambda: components.critical_banner(alerts_page))
            import_page = next(
                (p for pages in sections.values() for p in pages if p.url_path == "import_data"),
                None,
            )
            components.database_guard(lambda: components.data_problem_banner(import_page))
        navigation.run()
