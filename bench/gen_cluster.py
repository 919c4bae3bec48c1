#!/usr/bin/env python3
"""Generate a cluster of configurable size in two equivalent forms, plus a dnsperf query mix.

  cluster.yaml          Kubernetes manifests (Namespaces, Services, EndpointSlices) for our `manifests` source or
                        the test API server
  cluster.local.zone    RFC 1035 zone with the records CoreDNS answers for them (knotd serves the same names)
  queries.txt           dnsperf query mix (issue 8): A on ClusterIP services ~70%, AAAA NODATA 10%, SRV 10%,
                        headless A 5%, NXDOMAIN 5% (search-path shaped names)
  dataset.json          counts

Shape: S services spread over N namespaces (svc-I.ns-J); every 20th is headless (hl-I.ns-J) with E ready
endpoints that have hostnames (StatefulSet style); ClusterIP services have ports http 80/TCP and metrics 9090/TCP
and E endpoints too (5 by default), so memory reflects a real cluster. Deterministic for a given --seed.
"""
import argparse
import ipaddress
import json
import os
import random

ZONE = "cluster.local"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--services", type=int, default=1000)
    ap.add_argument("--namespaces", type=int, default=10)
    ap.add_argument("--endpoints", type=int, default=5)
    ap.add_argument("--queries", type=int, default=100000)
    ap.add_argument("--ttl", type=int, default=30)
    ap.add_argument("--seed", type=int, default=20261126)
    ap.add_argument("--out", default="data")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)

    svc_net = list(ipaddress.ip_network("10.96.0.0/12").hosts())
    pod_net = ipaddress.ip_network("10.128.0.0/9")
    svc_ips = rnd.sample(svc_net[20:], a.services)
    pod_counter = [0]

    def pod_ip():
        pod_counter[0] += 1
        return str(pod_net.network_address + pod_counter[0] + 256)

    clusterip, headless = [], []
    for i in range(a.services):
        ns = f"ns-{i % a.namespaces}"
        idx = i // a.namespaces
        eps = [pod_ip() for _ in range(a.endpoints)]
        if i % 20 == 19:
            headless.append((f"hl-{idx}", ns, eps))
        else:
            clusterip.append((f"svc-{idx}", ns, str(svc_ips[i]), eps))

    ttl = a.ttl
    with open(os.path.join(a.out, "cluster.yaml"), "w") as y, open(os.path.join(a.out, f"{ZONE}.zone"), "w") as z:
        z.write(f"$ORIGIN {ZONE}.\n$TTL {ttl}\n")
        z.write(f"{ZONE}. {min(ttl, 300)} IN SOA ns.dns.{ZONE}. hostmaster.{ZONE}. 1 7200 1800 86400 {ttl}\n")
        z.write(f"{ZONE}. {ttl} IN NS ns.dns.{ZONE}.\n")
        z.write(f"ns.dns.{ZONE}. {ttl} IN A 10.96.0.10\n")
        for n in range(a.namespaces):
            y.write(f"---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-{n}\n")
        for name, ns, ip, eps in clusterip:
            fq = f"{name}.{ns}.svc.{ZONE}."
            y.write(f"---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n"
                    f"  type: ClusterIP\n  clusterIP: {ip}\n  clusterIPs: [{ip}]\n  ports:\n"
                    f"  - {{name: http, port: 80, protocol: TCP, targetPort: 8080}}\n"
                    f"  - {{name: metrics, port: 9090, protocol: TCP, targetPort: 9090}}\n")
            y.write(slice_yaml(name, ns, eps, hostnames=False))
            z.write(f"{fq} {ttl} IN A {ip}\n")
            z.write(f"_http._tcp.{fq} {ttl} IN SRV 0 100 80 {fq}\n")
            z.write(f"_metrics._tcp.{fq} {ttl} IN SRV 0 100 9090 {fq}\n")
        for name, ns, eps in headless:
            fq = f"{name}.{ns}.svc.{ZONE}."
            y.write(f"---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n"
                    f"  clusterIP: None\n  clusterIPs: [None]\n  ports:\n"
                    f"  - {{name: http, port: 80, protocol: TCP, targetPort: 8080}}\n")
            y.write(slice_yaml(name, ns, eps, hostnames=True))
            for k, ip in enumerate(eps):
                z.write(f"{fq} {ttl} IN A {ip}\n")
                z.write(f"{name}-{k}.{fq} {ttl} IN A {ip}\n")

    queries = []
    for _ in range(a.queries):
        r = rnd.random()
        if r < 0.70:
            name, ns, _, _ = rnd.choice(clusterip)
            queries.append(f"{name}.{ns}.svc.{ZONE} A")
        elif r < 0.80:
            name, ns, _, _ = rnd.choice(clusterip)
            queries.append(f"{name}.{ns}.svc.{ZONE} AAAA")
        elif r < 0.90:
            name, ns, _, _ = rnd.choice(clusterip)
            queries.append(f"_http._tcp.{name}.{ns}.svc.{ZONE} SRV")
        elif r < 0.95:
            name, ns, _ = rnd.choice(headless)
            queries.append(f"{name}.{ns}.svc.{ZONE} A")
        else:
            # ndots:5 search-path expansions of an external name: a fixed pool, as a resolver would repeat them
            k = rnd.randrange(500)
            ns = f"ns-{k % a.namespaces}"
            queries.append(f"api.example-{k}.com.{ns}.svc.{ZONE} A")
    with open(os.path.join(a.out, "queries.txt"), "w") as f:
        f.write("\n".join(queries) + "\n")
    with open(os.path.join(a.out, "dataset.json"), "w") as f:
        json.dump({"services": a.services, "clusterip": len(clusterip), "headless": len(headless),
                   "namespaces": a.namespaces, "endpoints_per_service": a.endpoints,
                   "endpoints": a.services * a.endpoints, "queries": len(queries)}, f, indent=1)


def slice_yaml(name, ns, eps, hostnames):
    s = (f"---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: {name}-abcde\n"
         f"  namespace: {ns}\n  labels:\n    kubernetes.io/service-name: {name}\naddressType: IPv4\n"
         f"ports:\n- {{name: http, port: 8080, protocol: TCP}}\nendpoints:\n")
    for k, ip in enumerate(eps):
        s += f"- addresses: [\"{ip}\"]\n  conditions: {{ready: true}}\n"
        if hostnames:
            s += f"  hostname: {name}-{k}\n"
        s += f"  targetRef: {{kind: Pod, name: {name}-{k}, namespace: {ns}}}\n"
    return s


if __name__ == "__main__":
    main()
