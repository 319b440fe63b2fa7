#!/usr/bin/env python3
"""A small sizerd client using only the Python standard library.

Submits a sizing job, follows it turn by turn, and prints the best design with its specs.
A `sizer-agent serve` must be running against the same daemon, or the job stays queued.

    python3 examples/client.py --socket var/sizerd.sock --circuit ota_l1 \
        --optimizer random --budget 8 --group 4 --seed 1 --test-target 0
    python3 examples/client.py --circuit ota_l1 --budget 8 --json   # one JSON object on stdout

Exits 0 when the job finished `done`, 1 when it ended otherwise, 2 on a connection or
protocol error. The wire protocol is described in docs/protocol.md.
"""
import argparse
import json
import socket
import sys
import time

PROTOCOL_VERSION = 1


class SizerError(Exception):
    """A JSON-RPC error answered by sizerd (see docs/protocol.md for the codes)."""

    def __init__(self, code, message):
        super().__init__(f"{message} (code {code})")
        self.code = code
        self.message = message


class SizerClient:
    """One connection to sizerd's Unix socket: newline-delimited JSON-RPC 2.0."""

    def __init__(self, socket_path):
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._socket.connect(socket_path)
        self._reader = self._socket.makefile("rb")
        self._next_id = 0

    def close(self):
        self._reader.close()
        self._socket.close()

    def _send(self, method, params):
        self._next_id += 1
        request = {"jsonrpc": "2.0", "id": self._next_id, "method": method, "params": params or {}}
        self._socket.sendall(json.dumps(request).encode() + b"\n")
        return self._next_id

    def _read(self):
        line = self._reader.readline()
        if not line:
            raise ConnectionError("sizerd closed the connection")
        return json.loads(line)

    @staticmethod
    def _result(message):
        if "error" in message:
            raise SizerError(message["error"]["code"], message["error"]["message"])
        return message["result"]

    def call(self, method, params=None):
        """Sends one request and returns its result, or raises SizerError."""
        request_id = self._send(method, params)
        while True:
            message = self._read()
            if message.get("id") == request_id:
                return self._result(message)

    def watch(self, job_id):
        """Yields the params of every `jobs.turn` notification of a job until it ends;
        the generator's return value is the final job."""
        request_id = self._send("jobs.watch", {"id": job_id})
        while True:
            message = self._read()
            if message.get("method") == "jobs.turn" and message["params"]["job_id"] == job_id:
                yield message["params"]
            elif message.get("id") == request_id:
                return self._result(message)


def best_candidate(history):
    """The logged candidate with the highest reward (the first one on ties)."""
    candidates = [c for turn in history["turns"] for c in turn["candidates"]]
    return max(candidates, key=lambda c: c["reward"], default=None)


def print_report(job, best):
    print(f"job {job['id']} {job['status']}: {job['simulations_used']}/{job['budget']} simulations, "
          f"{job['turns']} turns, best reward {job.get('best_reward')}")
    if best is None:
        print("no candidate was evaluated")
        return
    print(f"best candidate (reward {best['reward']:.4f}, outcome {best['outcome']}):")
    for name, value in sorted(best["design"].items()):
        print(f"  {name:<12} {value:.6g}")
    print(f"  {'metric':<18} {'value':>12} {'bound':>6} {'target':>12}")
    for spec in best["specs"]:
        value = "-" if spec.get("value") is None else f"{spec['value']:.6g}"
        verdict = "PASS" if spec["met"] else "FAIL"
        print(f"  {spec['metric']:<18} {value:>12} {spec['bound']:>6} {spec['target']:>12.6g}  {verdict}")


def parse_arguments():
    parser = argparse.ArgumentParser(description="Submit a sizing job to sizerd and follow it.")
    parser.add_argument("--socket", default="var/sizerd.sock", help="sizerd's Unix socket")
    parser.add_argument("--circuit", required=True, help="circuit name (see circuits.list)")
    parser.add_argument("--optimizer", default="random", help="tlgrpo, grpo, bo or random")
    parser.add_argument("--budget", type=int, default=16, help="simulations the job may spend")
    parser.add_argument("--group", type=int, help="candidates per turn (group_size)")
    parser.add_argument("--seed", type=int, help="job seed")
    parser.add_argument("--test-target", type=int, help="index into the circuit's test targets")
    parser.add_argument("--json", action="store_true", help="print one JSON object with the job and best candidate")
    return parser.parse_args()


def main():
    args = parse_arguments()
    progress = sys.stderr if args.json else sys.stdout
    try:
        client = SizerClient(args.socket)
    except OSError as error:
        print(f"error: cannot connect to sizerd at {args.socket}: {error.strerror or error}", file=sys.stderr)
        return 2
    try:
        server = client.call("hello", {"protocol_version": PROTOCOL_VERSION, "client": "examples/client.py"})
        print(f"connected to {server['server']} {server['version']} ({server['workers']} workers)", file=progress)
        params = {"circuit": args.circuit, "optimizer": args.optimizer, "budget": args.budget}
        for key, value in (("group_size", args.group), ("seed", args.seed), ("test_target", args.test_target)):
            if value is not None:
                params[key] = value
        job = client.call("jobs.submit", params)
        print(f"job {job['id']} {job['status']}: {job['circuit']} with {job['optimizer']}, "
              f"budget {job['budget']}, targets {job['target_source']}", file=progress)
        started = time.monotonic()
        for event in client.watch(job["id"]):
            met = "specs met" if event["meets_all_specs"] else "specs not met"
            print(f"turn {event['turn']:>3}: {event['simulations_used']}/{event['budget']} sims, "
                  f"turn best {event['turn_best_reward']:.4f}, best {event['best_reward']:.4f}, {met} "
                  f"({time.monotonic() - started:.1f} s)", file=progress, flush=True)
        history = client.call("jobs.history", {"id": job["id"]})
    except (SizerError, ConnectionError, OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        client.close()
    final, best = history["job"], best_candidate(history)
    if args.json:
        print(json.dumps({"job": final, "best": best}))
    else:
        print_report(final, best)
    return 0 if final["status"] == "done" else 1


if __name__ == "__main__":
    sys.exit(main())
