"""wmdsl.flow.digraph against networkx on random graphs, and its own guarantees."""

from __future__ import annotations

import itertools
import subprocess
import sys

import networkx as nx
from hypothesis import given
from hypothesis import strategies as st

from wmdsl.flow import digraph
from wmdsl.flow.digraph import DiGraph

NAMES = [f"n{i}" for i in range(12)]

graphs = st.builds(
    lambda nodes, edges: DiGraph(nodes, edges),
    st.lists(st.sampled_from(NAMES), unique=True),
    st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(NAMES)), max_size=40),
)


def _sets(components: list[list[str]]) -> set[frozenset[str]]:
    return {frozenset(c) for c in components}


@given(graphs)
def test_reachability_matches_networkx(graph: DiGraph) -> None:
    reference = graph.to_networkx()
    for node in graph:
        assert digraph.descendants(graph, node) == nx.descendants(reference, node)
        assert digraph.ancestors(graph, node) == nx.ancestors(reference, node)
    targets = list(graph)[::3]
    expected = set(targets).union(*(nx.ancestors(reference, t) for t in targets))
    assert digraph.reaching(graph, targets) == expected


@given(graphs)
def test_components_match_networkx(graph: DiGraph) -> None:
    reference = graph.to_networkx()
    assert _sets(digraph.strongly_connected_components(graph)) == _sets(
        list(nx.strongly_connected_components(reference))
    )
    assert _sets(digraph.weakly_connected_components(graph)) == _sets(
        list(nx.weakly_connected_components(reference))
    )


@given(graphs, st.lists(st.sampled_from(NAMES), max_size=4))
def test_weak_components_without_nodes_are_those_of_the_rest(graph: DiGraph, removed: list[str]) -> None:
    rest = graph.subgraph(n for n in graph if n not in removed)
    assert digraph.weakly_connected_components(graph, without=removed) == digraph.weakly_connected_components(
        rest
    )


@given(graphs)
def test_condensation_is_in_topological_order(graph: DiGraph) -> None:
    condensed = digraph.condensation(graph)
    assert sorted(n for c in condensed.components for n in c) == sorted(graph)
    for source, target in graph.edges():
        assert condensed.component_of(source) <= condensed.component_of(target)
    reference = nx.condensation(graph.to_networkx())
    assert len(condensed.components) == reference.number_of_nodes()
    assert sum(len(s) for s in condensed.successors) == reference.number_of_edges()


@given(graphs, st.sampled_from(NAMES), st.sampled_from(NAMES))
def test_shortest_path_has_networkx_length(graph: DiGraph, source: str, target: str) -> None:
    reference = graph.to_networkx()
    if source not in graph or target not in graph:
        return
    path = digraph.shortest_path(graph, source, target)
    if not nx.has_path(reference, source, target):
        assert path is None
        return
    assert path is not None
    assert len(path) == nx.shortest_path_length(reference, source, target) + 1
    assert path[0] == source
    assert path[-1] == target
    assert all(graph.has_edge(a, b) for a, b in itertools.pairwise(path))


@given(graphs)
def test_find_cycle_finds_a_real_cycle_exactly_when_networkx_does(graph: DiGraph) -> None:
    reference = graph.to_networkx()
    for node in graph:
        cycle = digraph.find_cycle(graph, node)
        try:
            nx.find_cycle(reference, node)
            expected = True
        except nx.NetworkXNoCycle:
            expected = False
        assert (cycle is not None) == expected
        if cycle is not None:
            assert all(graph.has_edge(a, b) for a, b in zip(cycle, [*cycle[1:], cycle[0]], strict=True))
            assert len(set(cycle)) == len(cycle)


def test_results_follow_insertion_order() -> None:
    graph = DiGraph(["c", "a", "b"], [("a", "b"), ("b", "a"), ("c", "a")])
    assert digraph.strongly_connected_components(graph)[0] == ["a", "b"]
    assert [list(c) for c in digraph.condensation(graph).components] == [["c"], ["a", "b"]]
    assert digraph.weakly_connected_components(graph) == [["c", "a", "b"]]
    assert graph.subgraph(["b", "a"]).to_networkx().number_of_edges() == 2
    assert list(graph.subgraph(["b", "a"])) == ["a", "b"]


def test_deep_chains_need_no_recursion() -> None:
    names = [f"s{i}" for i in range(50_000)]
    graph = DiGraph(names, itertools.pairwise(names))
    graph.add_edge(names[-1], names[0])
    assert len(digraph.strongly_connected_components(graph)) == 1
    cycle = digraph.find_cycle(graph, names[0])
    assert cycle is not None
    assert len(cycle) == 50_000


def test_checking_never_imports_networkx() -> None:
    probe = (
        "import sys; from wmdsl import api;"
        "api.check_text('workflow w { intake i; stage s; exit e; i -> s; s -> e; s -> s }');"
        "print('networkx' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
