"""Scenarios: a supply network built from the knowledge graph, a linear program that
maximises demand met, and Monte Carlo over what is uncertain.

Public API (the CLI `chipwatch scenario list|show|run` calls these):

    list_scenarios() -> list[dict]                  bundled scenarios: name, title, description
    load_scenario(name_or_path) -> Scenario         a bundled name or a YAML file
    run_scenario(cw, scenario, draws=1000, seed=0)  -> dict (JSON-able; same seed, same result)
    build_network(cw, scenario) -> Network          the network alone (`Network.to_dict()`)
    render_result(result) -> str                    the result as plain text
    with_values(scenario, {assumption: value})      the scenario with assumptions fixed (explorer edits)

Every problem in a scenario file is a ChipwatchError of one line,
`file:line: what is wrong — what would be right`.
"""

from chipwatch.scenarios.model import (
    Scenario,
    bundled_names,
    list_scenarios,
    load_scenario,
    with_values,
)
from chipwatch.scenarios.montecarlo import run_scenario
from chipwatch.scenarios.network import Network, build_network
from chipwatch.scenarios.render import render_result

__all__ = ["Scenario", "Network", "list_scenarios", "load_scenario", "run_scenario", "build_network", "render_result", "with_values", "bundled_names"]
