"""Trade statistics: importers into one normalised table of flows (Eurostat spreadsheets and
CSVs, national import CSVs, UN Comtrade, CEPII BACI), and the analyses that look for
re-export ("gray channel") routes — spikes against a baseline, mirror gaps, structural
breaks around 2022-02 — whose findings become derived claims in the graph.

The aggregations are plain SQL run by DuckDB (default) or Spark (`--engine spark`).
"""
