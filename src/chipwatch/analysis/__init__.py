"""Analysis over the store: dependency tracing, chokepoints, technology gap, consistency checks."""
