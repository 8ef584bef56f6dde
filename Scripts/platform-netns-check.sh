#!/bin/sh
# Manual check (root, Linux, iproute2): do Kabar's UDP sockets reach other hosts on one LAN by
# directed IPv4 broadcast and IPv6 link-local multicast? Builds a tiny program from the
# KabarPlatform sources, puts three network namespaces on one bridge (ka plays the hotspot: no
# default route, address added without `brd`), sends from ka and from kb, and prints what each
# received. Not part of `swift test`. Results: Documentation/Platform.md.
set -eu
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'for ns in khub ka kb kc; do ip netns del $ns 2>/dev/null || true; done; rm -rf "$work"' EXIT
sources=$(ls Sources/KabarPlatform/*.swift | grep -v -e SystemRandom -e '/File')
cp Scripts/platform-netns-check.swift "$work/main.swift"  # top-level code must be in main.swift
swiftc -O -module-name netcheck -o "$work/netcheck" $sources "$work/main.swift"

for ns in khub ka kb kc; do ip netns add $ns; done
ip -n khub link add br0 type bridge
ip -n khub link set br0 up
for ns in ka kb kc; do
  ip netns exec $ns sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
  ip link add v$ns type veth peer name eth0 netns $ns
  ip link set v$ns netns khub
  ip -n khub link set v$ns master br0 up
  ip -n $ns link set lo up
  ip -n $ns link set eth0 up
done
ip -n ka addr add 10.47.0.1/24 dev eth0
ip -n kb addr add 10.47.0.2/24 brd + dev eth0
ip -n kc addr add 10.47.0.3/24 brd + dev eth0

round() {
  sender=$1; shift
  for receiver in "$@"; do ip netns exec "$receiver" "$work/netcheck" receive 4 > "$work/$receiver.log" 2>&1 & done
  sleep 1
  ip netns exec "$sender" "$work/netcheck" send > "$work/$sender.log" 2>&1
  wait
  for name in "$sender" "$@"; do echo "== $name"; cat "$work/$name.log"; done
}
echo "######## sender ka (the hotspot)"; round ka kb kc
echo "######## sender kb"; round kb ka kc
