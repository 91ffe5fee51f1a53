"""The only cache layer: the engine as a resource, reads as data with a short ttl."""

from __future__ import annotations

import os

import streamlit as st
from sqlalchemy import Engine

from dashboard.settings import Settings, load_settings
from data_access import queries
from data_access.db import make_engine


def secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets.toml: every setting has a default
        return {}


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    return load_settings(secrets(), os.environ)


@st.cache_resource(show_spinner=False)
def engine() -> Engine:
    return make_engine(settings().database_url)


QUERY_TTL_SECONDS = 2  # no longer than the shortest live refresh interval allowed


def read(query: str, *args):
    """Run `data_access.queries.<query>(conn, *args)`, cached for a couple of seconds."""
    return _read(query, *args)


@st.cache_data(show_spinner=False, ttl=QUERY_TTL_SECONDS, max_entries=500)
def _read(query: str, *args):
    with engine().connect() as conn:
        return getattr(queries, query)(conn, *args)


def clear() -> None:
    _read.clear()
