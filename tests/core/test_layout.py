"""The layout keeps one direction: channels -> router -> features -> kernel -> storage."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FEATURES = {
    "worklog",
    "difficulty",
    "digest",
    "leave",
    "reminders",
    "visits",
    "study",
    "export",
    "settings",
    "onboarding",
    "reports",
    "web",
}


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, *, top_level_only: bool) -> set[str]:
    """Modules a file imports (`from a.b import c` counts as a.b and a.b.c)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def test_no_channel_imports_a_feature() -> None:
    """Channels see the router and the kernel only; a button's hint comes from the router."""
    for path in _python_files("bot/channels"):
        features = {
            name
            for name in _imports(path, top_level_only=False)
            if name.startswith("handlers.") and name.split(".")[1] in FEATURES
        }
        assert not features, f"{path.relative_to(ROOT)} imports {sorted(features)}"


def test_the_kernel_imports_no_feature_and_nothing_of_bot() -> None:
    """handlers/core/ is below every feature: it imports no feature, no router, no bot/."""
    for path in _python_files("handlers/core"):
        wrong = {
            name
            for name in _imports(path, top_level_only=False)
            if name.startswith("bot")
            or (name.startswith("handlers.") and not name.startswith("handlers.core"))
        }
        assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"


def test_handlers_import_no_channel_library() -> None:
    """Handlers never see python-telegram-bot or a channel adapter."""
    for path in _python_files("handlers"):
        wrong = {
            n
            for n in _imports(path, top_level_only=False)
            if n.split(".")[0] == "telegram" or n.startswith("bot.channels")
        }
        assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"


def test_handlers_import_nothing_of_bot() -> None:
    """bot/ assembles handlers/, never the other way: a feature gets what bot/ does as a port."""
    for path in _python_files("handlers"):
        wrong = {n for n in _imports(path, top_level_only=False) if n.split(".")[0] == "bot"}
        assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"


def test_no_import_of_our_code_hides_inside_a_function() -> None:
    """Every import of handlers/ is at the top of its module, where a loop would show."""
    for path in _python_files("handlers"):
        top = _imports(path, top_level_only=True)
        local = {
            n
            for n in _imports(path, top_level_only=False) - top
            if n.split(".")[0] in ("handlers", "bot", "storage")
        }
        assert not local, f"{path.relative_to(ROOT)} imports {sorted(local)} inside a function"


def test_handler_modules_import_one_another_without_loops() -> None:
    """The import graph of handlers/ has no cycle."""
    modules = {_module(p): p for p in _python_files("handlers")}
    graph = {
        name: {n for n in _imports(path, top_level_only=False) if n in modules and n != name}
        for name, path in modules.items()
    }
    # A package's __init__ imports nothing of ours, so importing a module never runs a sibling.
    for name, path in modules.items():
        if path.name == "__init__.py" and name != "handlers.core.texts":
            assert not graph[name], f"{name} imports {sorted(graph[name])}"
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in path:
            loop = " -> ".join([*path[path.index(name) :], name])
            raise AssertionError(f"import loop: {loop}")
        if name in done:
            return
        for target in graph[name]:
            visit(target, (*path, name))
        done.add(name)

    for name in graph:
        visit(name, ())


def test_benches_do_not_import_tests() -> None:
    """Benches use the shared fakes in testing/, never a module of tests/."""
    for path in _python_files("bench"):
        wrong = {n for n in _imports(path, top_level_only=False) if n.split(".")[0] == "tests"}
        assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"


def test_no_test_module_imports_another() -> None:
    """What tests share lives in tests/helpers/ (or a conftest), never in another test file.

    A test file changes with its feature; another feature's tests must not break with it.
    """
    for path in _python_files("tests"):
        wrong = {
            n
            for n in _imports(path, top_level_only=False)
            if any(part.startswith("test_") for part in n.split("."))
        }
        assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"


def _ours() -> set[str]:
    """The project's top-level packages."""
    return {p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file()}


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_no_module_imports_another_modules_private_name() -> None:
    """What two modules share is public (no underscore, documented); a private name is the
    module's own, free to change without reading every other file."""
    ours = _ours()
    wrong: list[str] = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0] not in ours and parts[0] != "examples":
            continue  # the venv, a build folder
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (
                node.level > 0 or (node.module or "").split(".")[0] in ours
            ):
                names = [a.name for a in node.names]
                modules = (node.module or "").split(".")
            elif isinstance(node, ast.Import):
                names = []
                modules = [
                    part
                    for a in node.names
                    if a.name.split(".")[0] in ours
                    for part in a.name.split(".")
                ]
            else:
                continue
            private = [n for n in [*modules, *names] if _private(n)]
            if private:
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                wrong.append(f"{where} imports {', '.join(private)}")
    assert not wrong, "private names imported from another module:\n" + "\n".join(wrong)


def test_one_free_port_helper() -> None:
    """Tests and the bot processes they start share `testing.bot_process.free_port`."""
    defined = [
        str(path.relative_to(ROOT))
        for folder in ("tests", "testing", "bench")
        for path in _python_files(folder)
        if any(
            isinstance(node, ast.FunctionDef) and node.name == "free_port"
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        )
    ]
    assert defined == ["testing/bot_process.py"]
