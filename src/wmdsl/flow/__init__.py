"""The flow graph of a workflow and what is computed on it: the digraph algorithms,
the traffic equations and their linear solver, capacity, queues, main paths and
the flow analysis that puts them together."""
