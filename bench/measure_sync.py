#!/usr/bin/env python3
"""Start the server on a manifests cluster, time spawn -> first answer for the last service (sync complete),
then report resident memory after sync, after a short query burst, and steady (12 s later: the server trims its
heap 0.5 s after the sync and again once it has gone quiet after a burst, at most every 10 s). Loopback only;
bounded in time."""
import argparse
import os
import socket
import struct
import subprocess
import time


def query(port, name, qtype=1):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.05)
    q = struct.pack(">HHHHHH", 4242, 0x0100, 1, 0, 0, 0)
    q += b"".join(bytes([len(l)]) + l.encode() for l in name.split(".") if l) + b"\0" + struct.pack(">HH", qtype, 1)
    try:
        s.sendto(q, ("127.0.0.1", port))
        d = s.recv(4096)
        return d[3] & 0xF, struct.unpack(">H", d[6:8])[0]
    except socket.timeout:
        return None, 0
    finally:
        s.close()


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--corefile", required=True)
    ap.add_argument("--port", type=int, default=25320)
    ap.add_argument("--services", type=int, required=True)
    a = ap.parse_args()
    # the generator puts svc-(n/10/...)... : the last ClusterIP service of the data set
    last_i = a.services - 2  # i % 20 == 19 are headless; i = n-2 is ClusterIP for n a multiple of 20
    name = f"svc-{last_i // 10}.ns-{last_i % 10}.svc.cluster.local"
    t0 = time.monotonic()
    p = subprocess.Popen(["dotnet", a.server, "-conf", a.corefile, "-dns.port", str(a.port), "-quiet"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        synced = None
        while time.monotonic() - t0 < 120:
            rc, an = query(a.port, name)
            if rc == 0 and an > 0:
                synced = time.monotonic() - t0
                break
            time.sleep(0.005)
        after_sync = rss_mib(p.pid)
        for i in range(20000):
            query(a.port, f"svc-{(i % max(1, a.services // 10))}.ns-{i % 10}.svc.cluster.local")
        after_load = rss_mib(p.pid)
        # Steady state: what a server that has been up a while holds. The server trims 0.5 s after the sync, and
        # again when it has been quiet for a second after a burst of allocation (these first-seen names), at most
        # every 10 s: 12 s covers both.
        time.sleep(12)
        for i in range(2000):
            query(a.port, f"svc-{(i % max(1, a.services // 10))}.ns-{i % 10}.svc.cluster.local")
        steady = rss_mib(p.pid)
        budget = (a.services) / 1000 + 54
        print(f"| {a.services} | {a.services * 5} | {synced * 1000 if synced else float('nan'):.0f} ms "
              f"| {after_sync:.1f} MiB | {after_load:.1f} MiB | {steady:.1f} MiB ({steady * 1.048576:.1f} MB) | {budget:.0f} MB |", flush=True)
    finally:
        p.terminate()
        p.wait(10)


if __name__ == "__main__":
    main()
