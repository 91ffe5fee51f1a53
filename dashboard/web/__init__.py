"""The Streamlit face: sign-in, components, cached reads and user actions. Pages import
only this package, dashboard.charts and streamlit."""
