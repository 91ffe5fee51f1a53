"""Pure figure builders: DataFrame in, plotly Figure out, one module per subject. No
Streamlit here."""
