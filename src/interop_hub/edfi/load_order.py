"""The resource load order (``/metadata/data/v3/dependencies``), computed from references.

A resource's order is one more than the highest order of anything it references: descriptors
reference nothing and come first; a reference to an abstract target (education organization)
waits for all its concrete resources. Self references are ignored, and a cycle (only possible
through optional references) is broken where the walk meets it.
"""

from __future__ import annotations

from functools import cache

from interop_hub.edfi.registry import ObjectPlan, Registry, get_registry

__all__ = ["dependency_orders", "registry_dependencies"]


def _targets(plan: ObjectPlan, seen: set[str], out: set[str]) -> None:
    if plan.schema in seen:
        return
    seen.add(plan.schema)
    for _, ref in plan.references:
        out.update(target for target, _ in ref.targets)
    out.update(resource for _, resource in plan.descriptors)
    for _, child in (*plan.objects, *plan.arrays):
        _targets(child, seen, out)


def dependency_orders(registry: Registry) -> dict[str, int]:
    """Resource name → load order (1 = first)."""
    edges: dict[str, set[str]] = {}
    for spec in registry:
        targets: set[str] = set()
        _targets(spec.plan, set(), targets)
        targets.discard(spec.name)
        edges[spec.name] = targets
    orders: dict[str, int] = {}
    visiting: set[str] = set()

    def order(name: str) -> int:
        if name in orders:
            return orders[name]
        visiting.add(name)
        level = 1
        for target in sorted(edges.get(name, ())):
            if target in visiting:
                continue  # a cycle through optional references: break it here
            level = max(level, order(target) + 1)
        visiting.discard(name)
        orders[name] = level
        return level

    for name in sorted(edges):
        order(name)
    return orders


@cache
def registry_dependencies() -> list[dict[str, object]]:
    """The ``/dependencies`` body: ``[{resource, order, operations}]`` sorted by order."""
    registry = get_registry()
    orders = dependency_orders(registry)
    rows = sorted(registry, key=lambda r: (orders[r.name], r.path))
    return [
        {"resource": r.path, "order": orders[r.name], "operations": ["Create", "Update"]}
        for r in rows
    ]
