"""Command line: `python -m iot_lab_sim --broker host:port ...`."""

from __future__ import annotations

import argparse
from datetime import datetime
import logging
from pathlib import Path
import random
import signal
import sys
from types import FrameType

from iot_lab_wire import DEFAULT_BASE_TOPIC

from .fleet import make_boards
from .legacy_boards import CsvCounter
from .runner import LOGGER, BrokerSettings, SimClock, Simulator
from .sensor_boards import ClimateBoard, LightBoard


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Options of the simulator."""
    parser = argparse.ArgumentParser(
        prog="python -m iot_lab_sim",
        description="Simulate IoT Lab boards (light/LED/OLED, DHT11, door counter, "
        "and the older firmware's formats) against an MQTT broker.",
    )
    _add_broker_options(parser)
    _add_board_options(parser)
    parser.add_argument(
        "--webhook",
        action="append",
        default=[],
        metavar="COUNTER_ID=URL",
        help="an HTTP CSV counter posting to a webhook URL (repeatable)",
    )
    parser.add_argument(
        "--previous-firmware",
        action="store_true",
        help="light and climate boards send every reading (2 s, 30 s), as before the "
        "firmware's send-on-change filters",
    )
    parser.add_argument(
        "--flash",
        type=Path,
        help="folder where boards keep their settings, and light boards their LED and "
        "text, across restarts",
    )
    parser.add_argument("--duration", type=float, help="stop after this many seconds")
    parser.add_argument("-v", "--verbose", action="store_true")
    return parser.parse_args(argv)


def _add_broker_options(parser: argparse.ArgumentParser) -> None:
    """Where the broker is and how to log in."""
    parser.add_argument(
        "--broker",
        default="127.0.0.1",
        help="host[:port] (port 1883, or 8883 with --tls)",
    )
    parser.add_argument("--username", help="MQTT user name")
    parser.add_argument("--password", help="MQTT password")
    parser.add_argument("--tls", action="store_true", help="connect with TLS")
    parser.add_argument(
        "--ca-file", help="CA certificate for --tls (default: system CAs)"
    )


def _add_board_options(parser: argparse.ArgumentParser) -> None:
    """Which boards, numbered how, and their simulated time."""
    parser.add_argument("--base-topic", default=DEFAULT_BASE_TOPIC)
    parser.add_argument("--boards", type=int, default=1, help="boards of each kind")
    parser.add_argument(
        "--first-board",
        type=int,
        default=1,
        help="number of the first board of each kind (lab-N, climate-N, door-N): sites "
        "that share a base topic number their boards apart",
    )
    parser.add_argument(
        "--speed", type=float, default=1.0, help="simulated time speed-up"
    )
    parser.add_argument(
        "--seed", type=int, default=None, help="seed for repeatable runs"
    )
    parser.add_argument(
        "--start", type=datetime.fromisoformat, help="simulated start time"
    )
    parser.add_argument(
        "--no-legacy", action="store_true", help="no older-firmware boards"
    )


def build(args: argparse.Namespace) -> Simulator:
    """The simulator the options describe."""
    host, _, port = args.broker.rpartition(":")
    if not host or not port.isdigit():
        host, port = args.broker, "8883" if args.tls else "1883"
    broker = BrokerSettings(
        host=host,
        port=int(port),
        username=args.username,
        password=args.password,
        tls=args.tls,
        ca_file=args.ca_file,
    )
    rng = random.Random(args.seed)
    boards = make_boards(
        args.base_topic,
        args.boards,
        rng,
        legacy_boards=not args.no_legacy,
        first=args.first_board,
    )
    for board in boards:
        if isinstance(board, LightBoard | ClimateBoard):
            board.previous_firmware = args.previous_firmware
        if args.flash is not None:
            board.boot_from(args.flash / f"{board.info.board_id}.json")
    counters = []
    for spec in args.webhook:
        counter_id, _, url = spec.partition("=")
        counters.append((CsvCounter(counter_id, random.Random(rng.random())), url))
    clock = SimClock(args.start or datetime.now().replace(microsecond=0), args.speed)
    return Simulator(boards, broker, clock, counters)


def main(argv: list[str] | None = None) -> int:
    """Run until Ctrl-C (or --duration), then say offline and disconnect."""
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
    )
    simulator = build(args)

    def stop(signum: int, frame: FrameType | None) -> None:
        simulator.stopped.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    simulator.start()
    if not simulator.wait_connected(30):
        LOGGER.warning("Some boards are not connected yet; they keep trying")
    LOGGER.info(
        "%d boards connected to %s, simulated time x%g",
        len(simulator.sessions),
        args.broker,
        args.speed,
    )
    simulator.run(args.duration)
    simulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
