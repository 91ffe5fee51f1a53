"""The changes a user makes that the commands and the pages share: saving a topic (with its
re-tag of past messages) and importing an uploaded file. No Streamlit here."""
