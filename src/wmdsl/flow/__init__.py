"""The flow graph of a workflow and what is computed on it: the digraph algorithms,
the traffic equations and their linear solver, capacity and the flow analysis."""
