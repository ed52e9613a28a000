"""The ``drill`` command: every command parses options and calls one library function."""

from __future__ import annotations

from typing import Any

import click

from drills import __version__
from drills.errors import DrillError, DrillInterrupted, EngineError, InputError, LogError


class DrillGroup(click.Group):
    """Turns our errors into one-line messages and exit codes; never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        from drills.cli.recording import rescue_notices

        try:
            with rescue_notices(ctx):
                return super().invoke(ctx)
        except click.BadParameter as exc:
            # A bad value is one line: the flag and what is wrong, no usage block.
            click.echo(f"error: {exc.format_message()}", err=True)
            ctx.exit(2)
        except DrillInterrupted as exc:
            click.echo(f"interrupted: {exc}", err=True)
            ctx.exit(130)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)
        except (InputError, LogError) as exc:
            click.echo(f"error: {exc}" if "\n" not in str(exc) and not _positioned(exc)
                       else str(exc), err=True)
            ctx.exit(2)
        except EngineError as exc:
            click.echo(f"engine error: {exc}", err=True)
            ctx.exit(3)
        except DrillError as exc:  # pragma: no cover - every subclass is handled above
            click.echo(f"error: {exc}", err=True)
            ctx.exit(2)


def _positioned(exc: DrillError) -> bool:
    return isinstance(exc, InputError) and bool(exc.diagnostics)


@click.group(cls=DrillGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="drill")
def cli() -> None:
    """Rehearse social-media crises: generate a crisis, run it against an escalation
    rulebook and a team, and score the response.

    \b
    Example:
        drill list
        drill lint rules/
        drill run --scenario overheating-kettle --team standard --seed 7
    """


from drills.cli.bench import bench  # noqa: E402 - commands register on the group above
from drills.cli.checks import check, lint  # noqa: E402
from drills.cli.drills import log_group, run, score  # noqa: E402
from drills.cli.history import history, show  # noqa: E402
from drills.cli.inspect import feed, list_cmd, rules, scenario  # noqa: E402
from drills.cli.live import actions, play, replay  # noqa: E402
from drills.cli.msel import import_group, script_cmd  # noqa: E402
from drills.cli.report import report  # noqa: E402
from drills.cli.serve import serve  # noqa: E402
from drills.cli.validate import compare_cmd, coverage_cmd, mutate_cmd, sweep_cmd, test_cmd  # noqa: E402

for command in (list_cmd, lint, check, rules, scenario, feed, run, score, report, history,
                show, log_group, play, replay, actions, serve, import_group, script_cmd,
                test_cmd, mutate_cmd, compare_cmd, coverage_cmd,
                sweep_cmd, bench):
    cli.add_command(command)


def main() -> None:  # pragma: no cover - console entry point
    cli()


if __name__ == "__main__":  # pragma: no cover - python -m drills.cli.main
    cli()
