"""`ecg`: the command line. main.py holds the parser and the error handling; one module per
command group."""
