"""What a feature adds to the router: commands, flows and standing buttons, merged in one table."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from handlers.core.drafts import Draft
from handlers.core.messages import Reply
from handlers.core.turn import Turn

CommandHandler = Callable[[Turn], Awaitable[list[Reply]]]
ChoiceHandler = Callable[[Turn, str], Awaitable[list[Reply]]]
V = TypeVar("V")
# (language, button data) -> the sentence a channel without buttons shows instead.
Hint = Callable[[str, str], str]


@dataclass(frozen=True)
class Flow:
    """What a multi-step flow does with a picked choice and with any other message."""

    on_choice: ChoiceHandler
    on_message: CommandHandler
    # What the person typed and has not saved yet; quoted back when a command ends the flow.
    draft: Draft | None = None


@dataclass(frozen=True)
class Standing:
    """A button whose data carries its own meaning, valid whatever flow the person is in."""

    on_button: ChoiceHandler
    # What a numbered channel (Zalo) says instead of the button, for example
    # «Gõ /khokhan 42 để xử lý.»; None: the button is offered as a numbered choice.
    hint: Hint | None = None


@dataclass(frozen=True)
class Routes:
    """One feature's declarations, or all of them merged."""

    commands: Mapping[str, CommandHandler] = field(default_factory=dict)
    flows: Mapping[str, Flow] = field(default_factory=dict)
    # Button data prefix (`k:`, `r:`) -> its handler; the longest matching prefix wins.
    standing: Mapping[str, Standing] = field(default_factory=dict)
    # Commands that answer without leaving the flow the person is in.
    keeps_flow: frozenset[str] = frozenset()

    def standing_for(self, data: str) -> Standing | None:
        """The standing button this data belongs to, if any."""
        for prefix in sorted(self.standing, key=len, reverse=True):
            if data.startswith(prefix):
                return self.standing[prefix]
        return None


def merge(*features: Routes) -> Routes:
    """Every feature's declarations in one table; a name declared twice is a programming error."""
    commands: dict[str, CommandHandler] = {}
    flows: dict[str, Flow] = {}
    standing: dict[str, Standing] = {}
    keeps_flow: set[str] = set()
    for feature in features:
        _add(commands, feature.commands)
        _add(flows, feature.flows)
        _add(standing, feature.standing)
        keeps_flow |= feature.keeps_flow
    unknown = keeps_flow - set(commands)
    if unknown:
        raise ValueError(f"keeps_flow names unknown commands: {sorted(unknown)}")
    return Routes(commands, flows, standing, frozenset(keeps_flow))


def _add(table: dict[str, V], added: Mapping[str, V]) -> None:
    """Add one feature's entries; a name another feature already declared is refused."""
    clash = set(table) & set(added)
    if clash:
        raise ValueError(f"declared by two features: {sorted(clash)}")
    table.update(added)
