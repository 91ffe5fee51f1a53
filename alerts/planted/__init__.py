"""The planted-incident benchmark: real chat re-timed onto weeks of background traffic,
incidents drawn at random (seeded) and planted into it, and the default rules judged on
whether they catch the incidents, how late, and what else they raise.

`logs` reads the real chat logs, `traffic` re-times one onto a timeline with its daily
and weekly shape, `incidents` draws and plants what must fire and what must not, and
`judge` runs the rules over it in memory (the same scoring and state machine as the
worker) and counts. `bench/incidents.py` prints the figures; the tests use a fixed seed.
"""
