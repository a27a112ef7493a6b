"""Show how broad the network is and where it is narrow: `amity insights`."""

from __future__ import annotations

from typing import Any

from amity.cli.base import ArgumentParser, Verb
from amity.domain.display import points
from amity.network.insights import insights
from amity.network.serializers import insights_json


def _bar(value: float, top: float, width: int = 24) -> str:
    return "█" * (round(width * value / top) if top else 0)


class InsightsVerb(Verb):
    """Print people and strength by field and circle, ties, flows and advice."""

    help = """Show the breadth of your network: people and tie strength by field and by
    circle, the share of ties inside your own field (AMITY_MY_FIELD, else the most
    common field), weak versus strong ties, givers and takers, dormant ties and
    deposits/withdrawals per month, where the network is narrow and which weak ties
    outside your field to warm up.

    --json: {"people", "my_field", "my_field_source", "by_field": [{"name", "people",
    "strength", "strong", "weak", "mean_strength"}], "by_circle": [same],
    "own_field_people_share", "own_field_strength_share", "strong_ties", "weak_ties",
    "no_ties", "givers": [{"person_id", "name", "field", "gave", "asked"}], "takers":
    [same], "months": [{"month", "dormant", "active", "deposits", "withdrawals",
    "received", "were_asked"}], "suggestions": [str], "warm_up": [{"person_id", "name",
    "field", "strength", "last_interaction", "reason"}], "strength_source"}
    (in givers/takers, "gave" counts their deposits to you and "asked" their asks.)
    """

    def add_arguments(self, parser: ArgumentParser) -> None:
        """Take no arguments beyond --user and --json."""

    def handle(self, **options: Any) -> None:
        """Measure and print."""
        found = insights(owner=self.owner(options))
        b = found.breadth

        def render() -> None:
            from rich.table import Table

            c = self.console
            c.print(f"[bold]{b.people} people[/bold]; strength from {found.strength_source}.")
            c.print(f"Your field: {b.my_field or 'unknown'} ({b.my_field_source}).")
            c.print(
                f"In your field: {round(b.own_field_people_share * 100)}% of people, "
                f"{round(b.own_field_strength_share * 100)}% of tie strength."
            )
            c.print(f"Ties: {b.strong_ties} strong, {b.weak_ties} weak, {b.no_ties} not yet.")
            for title, groups in (("Field", b.by_field), ("Circle", b.by_circle)):
                table = Table(show_edge=False, pad_edge=False, title=f"By {title.lower()}")
                for column in (title, "People", "", "Strength"):
                    table.add_column(column)
                top = max((g.people for g in groups), default=0)
                for g in groups:
                    table.add_row(g.name, str(g.people), _bar(g.people, top), points(g.strength))
                c.print(table)
            # "Silent", not "Dormant": the circle table's dormant ties are only those
            # that were once real; this counts every tie gone quiet.
            table = Table(
                show_edge=False,
                pad_edge=False,
                title=f"Per month (silent: no contact for {b.dormant_days} days)",
            )
            for column in ("Month", "Silent", "Active", "Deposits", "Withdrawals"):
                table.add_column(column)
            for m in b.months:
                table.add_row(
                    m.month, str(m.dormant), str(m.active), str(m.deposits), str(m.withdrawals)
                )
            c.print(table)
            if b.givers:
                c.print("Givers: " + ", ".join(f"{g.name} (+{g.gave})" for g in b.givers))
            if b.takers:
                c.print("Takers: " + ", ".join(f"{t.name} ({t.asked} asks)" for t in b.takers))
            for note in b.suggestions:
                c.print(f"• {note}")
            if b.warm_up:
                c.print("[bold]Warm up[/bold]")
                for w in b.warm_up:
                    c.print(f"  #{w.person_id} {w.name}: {w.reason}")

        self.emit(options, insights_json(found), render)
